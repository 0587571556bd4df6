import uuid
from functools import lru_cache

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import FixedChoices
from core.fields import EncryptedDateField, EncryptedTextField
from core.timezones import time_zone_model_choices
from core.uploads import private_storage


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields: object) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(
        self, email: str, password: str | None = None, **extra_fields: object
    ) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(
        self, email: str, password: str | None = None, **extra_fields: object
    ) -> "User":
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if extra_fields.get("is_staff") is not True or extra_fields.get("is_superuser") is not True:
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username: str | None) -> "User":
        # Email addresses are unique whatever their letter case (see the constraint below).
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person using Toto. Signs in with an email address; the id is a UUID so that ids
    handed to the app and in URLs reveal nothing about how many users there are."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("email address"), max_length=254, unique=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Designates whether the user can log into the admin."),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Unselect this instead of deleting accounts."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Suspension (by staff, with a reason, audit-logged) and deletion (by the person) both
    # clear is_active, which ends every session and API token at once.
    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)
    suspension_reason = models.TextField(_("suspension reason"), blank=True)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    # Under MINIMUM_AGE with the guardian-consent policy: limited until a guardian consents
    # (accounts.guardians). On the user row, so the gate costs no query.
    awaiting_guardian_consent = models.BooleanField(default=False, editable=False)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email)

    def get_full_name(self) -> str:
        if self.deleted_at is not None:
            # Whatever still points at a deleted account (a review, a message, an old
            # booking) shows it anonymously.
            return str(_("Former member"))
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        if self.deleted_at is not None:
            return str(_("Former member"))
        return self.first_name or self.email


def language_choices() -> list[tuple[str, str]]:
    """Every language Django knows, by code (native language, languages being learned)."""
    from django.conf.locale import LANG_INFO

    return sorted(
        ((code, info["name"]) for code, info in LANG_INFO.items() if "name" in info),
        key=lambda choice: choice[1],
    )


@lru_cache(maxsize=1)
def _language_choices() -> FixedChoices:
    return FixedChoices(language_choices())  # the name migration 0003 refers to (core.choices)


def _time_zone_choices() -> FixedChoices:
    return time_zone_model_choices()  # the name migration 0003 refers to


def _interface_language_choices() -> list[tuple[str, str]]:
    return list(settings.LANGUAGES)


def default_notification_preferences() -> dict[str, bool]:
    """The former Profile.notification_preferences default, kept for migration 0003 (the
    notifications app's preferences replaced the field in 0005)."""
    return {
        "email_messages": True,
        "email_bookings": True,
        "email_reminders": True,
        "email_news": False,
        "push_messages": True,
        "push_bookings": True,
        "push_reminders": True,
    }


phone_validator = RegexValidator(
    r"^\+[1-9]\d{6,14}$", _("Enter the number in international form, e.g. +34600123456.")
)
country_validator = RegexValidator(r"^[A-Z]{2}$", _("Use the two-letter country code, e.g. ES."))


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    NON_BINARY = "non_binary", _("Non-binary")
    UNDISCLOSED = "undisclosed", _("Prefer not to say")


class Profile(models.Model):
    """What a person tells about themselves. Everything is optional and fillable after
    sign-up; only the fields in ``PUBLIC_FIELDS`` are ever shown to other people."""

    PUBLIC_FIELDS = ("bio", "city", "country", "status", "native_language")

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="profile"
    )
    # Phone and date of birth are encrypted at rest (core.fields): no lookup needs them, so
    # no blind index.
    phone = EncryptedTextField(
        _("phone"), max_length=16, blank=True, validators=[phone_validator], single_line=True
    )
    gender = models.CharField(_("gender"), max_length=16, blank=True, choices=Gender.choices)
    date_of_birth = EncryptedDateField(_("date of birth"), null=True, blank=True)
    avatar = models.ImageField(_("avatar"), upload_to="avatars/", blank=True)
    avatar_medium = models.ImageField(upload_to="avatars/", blank=True, editable=False)
    avatar_small = models.ImageField(upload_to="avatars/", blank=True, editable=False)
    bio = models.TextField(_("bio"), max_length=2000, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(
        _("country"), max_length=2, blank=True, validators=[country_validator]
    )
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=140, blank=True)
    native_language = models.CharField(
        _("native language"), max_length=16, blank=True, choices=_language_choices
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", choices=_time_zone_choices
    )
    interface_language = models.CharField(
        _("interface language"),
        max_length=16,
        default="en",
        choices=_interface_language_choices,
    )
    # Marketing email only with explicit opt-in (sign-up form, profile): never on by default.
    marketing_emails = models.BooleanField(_("news and offers"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("profile")
        # People to follow gathers candidates by native language (social.selectors).
        indexes = [models.Index(fields=["native_language", "user"], name="accounts_profile_native")]

    def __str__(self) -> str:
        return str(self.user)


class GuardianConsent(models.Model):
    """A parent's or guardian's consent for an account under MINIMUM_AGE: asked by email with
    a signed link, and answered (consented or declined) once."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="guardian_consent"
    )
    guardian_email = EncryptedTextField(_("guardian's email"), max_length=254)
    requested_at = models.DateTimeField(default=timezone.now)
    consented_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("guardian consent")

    def __str__(self) -> str:
        return f"Guardian consent for {self.user}"


class Level(models.TextChoices):
    """CEFR levels."""

    A1 = "A1", _("A1 · Beginner")
    A2 = "A2", _("A2 · Elementary")
    B1 = "B1", _("B1 · Intermediate")
    B2 = "B2", _("B2 · Upper intermediate")
    C1 = "C1", _("C1 · Advanced")
    C2 = "C2", _("C2 · Proficient")


class LearningLanguage(models.Model):
    """A language the person is learning, at their current level."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="learning")
    language = models.CharField(_("language"), max_length=16, choices=_language_choices)
    level = models.CharField(_("level"), max_length=2, choices=Level.choices, default=Level.A1)

    class Meta:
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "language"], name="accounts_learning_language_once"
            ),
        ]
        # Learners of a language, for people to follow (social.selectors).
        indexes = [
            models.Index(fields=["language", "profile"], name="accounts_learning_by_language")
        ]

    def __str__(self) -> str:
        return f"{self.language} ({self.level})"


class VerificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


class TeacherProfile(models.Model):
    """What a teacher adds to their profile. Certificates wait for a moderator's check."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="teacher_profile"
    )
    qualification = models.CharField(_("qualification"), max_length=200, blank=True)
    years_of_experience = models.PositiveSmallIntegerField(
        _("years of experience"), default=0, validators=[MaxValueValidator(80)]
    )

    class Meta:
        verbose_name = _("teacher profile")

    def __str__(self) -> str:
        return str(self.user)


class TeacherCertificate(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    teacher = models.ForeignKey(
        TeacherProfile, on_delete=models.CASCADE, related_name="certificates"
    )
    title = models.CharField(_("title"), max_length=200)
    # Private: the teacher and moderators open it through a permission-checked view.
    file = models.FileField(_("file"), upload_to="certificates/", storage=private_storage)
    content_type = models.CharField(max_length=100, editable=False)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=VerificationStatus.choices,
        default=VerificationStatus.PENDING,
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("teacher certificate")

    def __str__(self) -> str:
        return self.title
