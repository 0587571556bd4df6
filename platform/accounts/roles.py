"""Roles and the groups they map to.

A role is membership of one Django group (created by migration 0002), so a user may hold
several (a teacher can also learn) and Wagtail's page and snippet permissions attach to roles
the usual way. Sign-up offers student or teacher; vendor roles come from vendor onboarding;
staff roles are granted by admins.
"""

from django.db import models


class Role(models.TextChoices):
    STUDENT = "student", "Student"
    TEACHER = "teacher", "Teacher"
    CONTENT_CREATOR = "content_creator", "Content creator"
    MODERATOR = "moderator", "Moderator"
    ADMIN = "admin", "Admin"
    INSTITUTION = "institution", "Institution"
    HOMESTAY_OWNER = "homestay_owner", "Homestay owner"


GROUP_NAMES: dict[Role, str] = {
    Role.STUDENT: "Students",
    Role.TEACHER: "Teachers",
    Role.CONTENT_CREATOR: "Content creators",
    # Wagtail's own migration creates "Moderators" (with publish rights on the page tree):
    # the moderator role is that group.
    Role.MODERATOR: "Moderators",
    Role.ADMIN: "Administrators",
    Role.INSTITUTION: "Institutions",
    Role.HOMESTAY_OWNER: "Homestay owners",
}
ROLE_BY_GROUP_NAME: dict[str, Role] = {name: role for role, name in GROUP_NAMES.items()}

SIGNUP_ROLES = frozenset({Role.STUDENT, Role.TEACHER})
VENDOR_ROLES = frozenset({Role.INSTITUTION, Role.HOMESTAY_OWNER})
STAFF_ROLES = frozenset({Role.CONTENT_CREATOR, Role.MODERATOR, Role.ADMIN})
# Roles whose holders use the Wagtail admin (vendors get their restricted editor there).
ADMIN_ACCESS_ROLES = STAFF_ROLES | VENDOR_ROLES
