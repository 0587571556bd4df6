from django.urls import path

from . import views

urlpatterns = [path("referrals/", views.ReferralListView.as_view(), name="referrals")]
