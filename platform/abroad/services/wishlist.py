"""A learner's wishlist of study-abroad listings."""

from __future__ import annotations

from typing import Any

from wagtail.models import Page

from accounts.models import User
from cms.abroad.models import CoursePage, HomestayPage

from ..errors import NotBookable
from ..models import WishlistItem


def add_to_wishlist(user: User, page_id: Any) -> WishlistItem:
    page = Page.objects.live().filter(pk=page_id).type(CoursePage, HomestayPage).first()
    if page is None:
        raise NotBookable("Only courses and homestays can be saved.")
    item, _ = WishlistItem.objects.get_or_create(user=user, page=page)
    return item


def remove_from_wishlist(user: User, page_id: Any) -> None:
    WishlistItem.objects.filter(user=user, page_id=page_id).delete()
