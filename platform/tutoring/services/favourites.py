"""A learner's saved teachers."""

from accounts.models import User

from ..models import Favourite, TeacherListing


def save_favourite(learner: User, listing: TeacherListing) -> Favourite:
    """Saves ``listing`` among the learner's favourites; saving it again changes nothing."""
    favourite, _created = Favourite.objects.get_or_create(learner=learner, listing=listing)
    return favourite


def remove_favourite(learner: User, listing: TeacherListing) -> None:
    """Removes ``listing`` from the learner's favourites, if it was there."""
    Favourite.objects.filter(learner=learner, listing=listing).delete()
