from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("destinations", views.DestinationViewSet, basename="abroad-destination")
router.register("institutes", views.InstituteViewSet, basename="abroad-institute")
router.register("courses", views.CourseViewSet, basename="abroad-course")
router.register("homestays", views.HomestayViewSet, basename="abroad-homestay")
router.register("wishlist", views.WishlistViewSet, basename="abroad-wishlist")
router.register("bookings", views.BookingViewSet, basename="abroad-booking")
router.register("reviews", views.ReviewViewSet, basename="abroad-review")
router.register("vendor/listings", views.VendorListingViewSet, basename="abroad-vendor-listing")
router.register("vendor/bookings", views.VendorBookingViewSet, basename="abroad-vendor-booking")

urlpatterns = [
    path("abroad/", include(router.urls)),
    path("abroad/compare/", views.CompareView.as_view(), name="abroad-compare"),
    path(
        "abroad/vendor/rooms/<int:room>/blocks/",
        views.RoomBlockView.as_view(),
        name="abroad-room-blocks",
    ),
    path(
        "abroad/vendor/blocks/<int:pk>/",
        views.BlockDeleteView.as_view(),
        name="abroad-block",
    ),
]
