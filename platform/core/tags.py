"""Tags sent by clients: one cap, one normalisation and one bulk write for every app.

A client list must never drive one query per item: a phrasebook entry with a million
duplicate tags once held the write lock for minutes. Lists are capped and deduplicated
before they reach a service, and missing tags are created in one statement.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models.functions import Lower
from taggit.models import Tag

MAX_TAGS = 20
MAX_TAG_LENGTH = 50


def clean_tag_names(names: Iterable[str], *, limit: int = MAX_TAGS) -> list[str]:
    """Stripped, non-empty names, deduplicated case-insensitively (the first spelling wins),
    at most ``limit`` of them. Services call it too, so callers other than the API stay
    within the cap."""
    seen: dict[str, str] = {}
    for name in names:
        cleaned = " ".join(str(name).split())[:MAX_TAG_LENGTH]
        if cleaned and cleaned.casefold() not in seen:
            seen[cleaned.casefold()] = cleaned
            if len(seen) == limit:
                break
    return list(seen.values())


def tags_for(names: Sequence[str]) -> list[Tag]:
    """The Tag rows for these already-cleaned names, creating the missing ones in bulk.

    An existing tag that differs only in case is reused rather than duplicated."""
    if not names:
        return []
    wanted = {name.casefold(): name for name in names}
    found: dict[str, Tag] = {}
    for tag in (
        Tag.objects.annotate(folded=Lower("name"))
        .filter(folded__in=[name.lower() for name in names])
        .order_by("pk")
    ):
        key = tag.name.casefold()
        # An exact spelling beats an older row that differs in case.
        if key not in found or tag.name == wanted.get(key):
            found[key] = tag
    missing = [name for key, name in wanted.items() if key not in found]
    if missing:
        Tag.objects.bulk_create(
            [Tag(name=name, slug=Tag().slugify(name)) for name in missing],
            ignore_conflicts=True,
        )
        for tag in Tag.objects.filter(name__in=missing):
            found[tag.name.casefold()] = tag
        for name in missing:
            if name.casefold() not in found:
                # Its slug clashes with another tag's: taggit's save finds a free one.
                # Bounded by the cap, and rare (names differing only in punctuation).
                found[name.casefold()] = Tag.objects.create(name=name)
    return [found[key] for key in wanted]


def set_tags(manager: Any, names: Iterable[str], *, limit: int = MAX_TAGS) -> None:
    """Replaces the tags behind a TaggableManager with a fixed number of queries.

    taggit's own ``set`` runs a get_or_create per tag and per link; this writes links in
    one delete and one insert."""
    tags = tags_for(clean_tag_names(names, limit=limit))
    through = manager.through
    owner = through.lookup_kwargs(manager.instance)
    links = through._default_manager.filter(**owner)
    links.exclude(tag_id__in=[tag.pk for tag in tags]).delete()
    present = set(links.values_list("tag_id", flat=True))
    through._default_manager.bulk_create(
        [through(tag=tag, **owner) for tag in tags if tag.pk not in present],
        ignore_conflicts=True,
    )
    # A prefetched list (from the request's queryset) would answer the old tags.
    cache = getattr(manager.instance, "_prefetched_objects_cache", {})
    cache.pop(manager.prefetch_cache_name, None)
