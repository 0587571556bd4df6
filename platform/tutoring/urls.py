from django.urls import path

from . import calendar, views

urlpatterns = [
    path("tutoring/", views.directory, name="tutoring-directory"),
    path("tutoring/teachers/<uuid:pk>/", views.teacher, name="tutoring-teacher"),
    path("tutoring/teachers/<uuid:pk>/book/", views.book, name="tutoring-book"),
    path("tutoring/bookings/<uuid:pk>/", views.booking_detail, name="tutoring-booking"),
    path("tutoring/bookings/<uuid:pk>/pay/", views.pay, name="tutoring-pay"),
    path("tutoring/bookings/<uuid:pk>/cancel/", views.cancel, name="tutoring-cancel"),
    path("tutoring/dashboard/", views.learner_dashboard, name="tutoring-dashboard"),
    path("tutoring/teach/", views.teacher_dashboard, name="tutoring-teach"),
    path("tutoring/calendar/<str:token>.ics", calendar.feed, name="tutoring-calendar"),
]
