"""The contact log (and, with issue 4, inclusion plans, goals and tasks)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from clients.models import Client, Family, Provider, Staff

from .choices import ContactForm, Topic
from .querysets import ContactQuerySet


class Contact(models.Model):
    """One service contact: a visit, an accompaniment, a call, a message."""

    contact_ref = models.CharField(_("contact reference"), max_length=50, unique=True)
    date = models.DateField(_("date"))
    staff = models.ForeignKey(Staff, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="contacts")
    # The provider of the staff member who delivered the contact, kept so that a provider's
    # reports keep their contacts when staff or clients move on.
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="contacts", editable=False)
    family = models.ForeignKey(
        Family,
        verbose_name=_("family"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
    )
    clients = models.ManyToManyField(Client, verbose_name=_("clients"), blank=True, related_name="contacts")
    form = models.CharField(_("form"), max_length=20, choices=ContactForm.choices)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration, minutes"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1440)],
    )
    place = models.CharField(_("institution or place"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            # Report figures: the contacts of one provider in a period.
            models.Index(fields=["provider", "date"], name="contact_provider_date_idx"),
            # Report figures of all providers: the contacts in a period.
            models.Index(fields=["date"], name="contact_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__isnull=True)
                | models.Q(duration_minutes__gte=1, duration_minutes__lte=1440),
                name="contact_duration_1_to_1440",
            ),
        ]

    def __str__(self) -> str:
        return self.contact_ref

    def save(self, *args, **kwargs) -> None:
        if self.staff_id and not self.provider_id:
            self.provider_id = self.staff.provider_id
        super().save(*args, **kwargs)


class ContactTopic(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="topics")
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        constraints = [models.UniqueConstraint(fields=["contact", "topic"], name="contact_topic_once")]

    def __str__(self) -> str:
        return self.get_topic_display()
