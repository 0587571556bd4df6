from django.urls import path

from . import website

urlpatterns = [
    path("abroad/", website.search, name="abroad-search"),
    path("abroad/wishlist/", website.wishlist, name="abroad-wishlist"),
    path("abroad/wishlist/toggle/", website.wishlist_toggle, name="abroad-wishlist-toggle"),
    path("abroad/compare/", website.compare, name="abroad-compare"),
    path("abroad/compare/toggle/", website.compare_toggle, name="abroad-compare-toggle"),
    path("abroad/book/", website.book, name="abroad-book"),
    path("abroad/trips/", website.trips, name="abroad-trips"),
    path("abroad/trips/<uuid:pk>/", website.trip, name="abroad-trip"),
    path("abroad/trips/<uuid:pk>/pay/", website.pay, name="abroad-pay"),
    path("abroad/trips/<uuid:pk>/cancel/", website.cancel, name="abroad-cancel"),
    path("abroad/vendor/", website.vendor, name="abroad-vendor"),
    path("abroad/vendor/earnings/", website.vendor_earnings, name="abroad-vendor-earnings"),
    path("abroad/vendor/calendar/", website.vendor_calendar, name="abroad-vendor-calendar"),
    path(
        "abroad/vendor/calendar/<int:pk>/unblock/",
        website.vendor_unblock,
        name="abroad-vendor-unblock",
    ),
    path("abroad/vendor/<uuid:pk>/answer/", website.vendor_answer, name="abroad-vendor-answer"),
    path("abroad/partners/apply/", website.apply, name="abroad-apply"),
    path(
        "abroad/partners/documents/<int:pk>/",
        website.vendor_document,
        name="abroad-vendor-document",
    ),
    path("abroad/trips/<uuid:pk>/review/", website.review, name="abroad-review"),
    path("abroad/reviews/<int:pk>/reply/", website.review_reply, name="abroad-review-reply"),
    path("abroad/go/<int:pk>/", website.page_by_id, name="abroad-go"),
]
