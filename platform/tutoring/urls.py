from django.urls import path

from . import calendar
from .views import group_sessions as group_session_views
from .views import learner as views
from .views import packages as package_views
from .views import teach as teach_views

urlpatterns = [
    path("tutoring/", views.directory, name="tutoring-directory"),
    path("tutoring/teachers/<uuid:pk>/", views.teacher, name="tutoring-teacher"),
    path("tutoring/teachers/<uuid:pk>/book/", views.book, name="tutoring-book"),
    path(
        "tutoring/teachers/<uuid:pk>/request-time/",
        views.request_time,
        name="tutoring-request-time",
    ),
    path("tutoring/bookings/<uuid:pk>/", views.booking_detail, name="tutoring-booking"),
    path("tutoring/bookings/<uuid:pk>/pay/", views.pay, name="tutoring-pay"),
    path("tutoring/bookings/<uuid:pk>/cancel/", views.cancel, name="tutoring-cancel"),
    path("tutoring/bookings/<uuid:pk>/confirm/", views.confirm_lesson, name="tutoring-confirm"),
    path("tutoring/bookings/<uuid:pk>/review/", views.review, name="tutoring-review"),
    path("tutoring/bookings/<uuid:pk>/tip/", views.tip, name="tutoring-tip"),
    path(
        "tutoring/teachers/<uuid:pk>/packages/buy/",
        package_views.buy,
        name="tutoring-package-buy",
    ),
    path("tutoring/packages/", package_views.package_list, name="tutoring-packages"),
    path("tutoring/packages/<uuid:pk>/", package_views.package_detail, name="tutoring-package"),
    path("tutoring/packages/<uuid:pk>/book/", package_views.book, name="tutoring-package-book"),
    path(
        "tutoring/packages/<uuid:pk>/refund/",
        package_views.refund,
        name="tutoring-package-refund",
    ),
    path("tutoring/dashboard/", views.learner_dashboard, name="tutoring-dashboard"),
    path("tutoring/teach/", views.teacher_dashboard, name="tutoring-teach"),
    path("tutoring/calendar/<str:token>.ics", calendar.feed, name="tutoring-calendar"),
    path(
        "tutoring/group-sessions/",
        group_session_views.session_list,
        name="tutoring-group-sessions",
    ),
    path(
        "tutoring/group-sessions/<uuid:pk>/",
        group_session_views.session_detail,
        name="tutoring-group-session",
    ),
    path(
        "tutoring/group-sessions/<uuid:pk>/book/",
        group_session_views.book_seat,
        name="tutoring-group-session-book",
    ),
    path(
        "tutoring/teach/group-sessions/",
        group_session_views.teacher_sessions,
        name="tutoring-teach-sessions",
    ),
    path(
        "tutoring/teach/group-sessions/new/",
        group_session_views.publish_session,
        name="tutoring-teach-session-new",
    ),
    path(
        "tutoring/teach/group-sessions/<uuid:pk>/",
        group_session_views.edit_session,
        name="tutoring-teach-session",
    ),
    path(
        "tutoring/teach/group-sessions/<uuid:pk>/cancel/",
        group_session_views.cancel_session,
        name="tutoring-teach-session-cancel",
    ),
    # The teacher's own pages (teach_views).
    path("tutoring/teach/onboarding/", teach_views.onboarding, name="tutoring-teach-onboarding"),
    path(
        "tutoring/teach/onboarding/<slug:step>/",
        teach_views.onboarding_step,
        name="tutoring-teach-onboarding-step",
    ),
    path("tutoring/teach/gigs/", teach_views.gig_list, name="tutoring-teach-gigs"),
    path("tutoring/teach/gigs/new/", teach_views.gig_new, name="tutoring-teach-gig-new"),
    path("tutoring/teach/gigs/<int:pk>/", teach_views.gig_edit, name="tutoring-teach-gig"),
    path(
        "tutoring/teach/gigs/<int:pk>/archive/",
        teach_views.gig_archive,
        name="tutoring-teach-gig-archive",
    ),
    path("tutoring/teach/hours/", teach_views.hours, name="tutoring-teach-hours"),
    path(
        "tutoring/teach/hours/exceptions/<int:pk>/remove/",
        teach_views.exception_remove,
        name="tutoring-teach-exception-remove",
    ),
    path("tutoring/teach/requests/", teach_views.requests, name="tutoring-teach-requests"),
    path(
        "tutoring/teach/requests/<uuid:pk>/accept/",
        teach_views.request_accept,
        name="tutoring-teach-request-accept",
    ),
    path(
        "tutoring/teach/requests/<uuid:pk>/decline/",
        teach_views.request_decline,
        name="tutoring-teach-request-decline",
    ),
    path("tutoring/teach/earnings/", teach_views.earnings, name="tutoring-teach-earnings"),
]
