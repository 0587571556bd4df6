# The buyer's billing country and tax id move from the per-provider customer rows (which no
# view wrote) to one BillingDetails per user, which the website and the API edit.

import django.core.validators
import django.db.models.deletion
import payments.countries
from django.conf import settings
from django.db import migrations, models


def copy_forward(apps, schema_editor):
    BillingCustomer = apps.get_model("payments", "BillingCustomer")
    BillingDetails = apps.get_model("payments", "BillingDetails")
    for customer in BillingCustomer.objects.exclude(country="", tax_id="").order_by("pk"):
        details, _ = BillingDetails.objects.get_or_create(user_id=customer.user_id)
        details.country = details.country or customer.country.upper()
        details.tax_id = details.tax_id or customer.tax_id
        details.save()


def copy_back(apps, schema_editor):
    BillingCustomer = apps.get_model("payments", "BillingCustomer")
    BillingDetails = apps.get_model("payments", "BillingDetails")
    for details in BillingDetails.objects.all():
        BillingCustomer.objects.filter(user_id=details.user_id).update(
            country=details.country, tax_id=details.tax_id
        )


class Migration(migrations.Migration):

    dependencies = [
        ('payments', '0006_tax'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='BillingDetails',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('country', models.CharField(blank=True, help_text="The buyer's billing country, for the tax rate.", max_length=2, validators=[payments.countries.validate_country_code], verbose_name='billing country')),
                ('tax_id', models.CharField(blank=True, help_text="The buyer's VAT or GST number, for invoices.", max_length=40, validators=[django.core.validators.RegexValidator('^[A-Za-z0-9][A-Za-z0-9 ./-]{1,39}$', 'Enter the VAT or GST number: letters, digits, spaces, dots, dashes.')], verbose_name='VAT or GST number')),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='billing_details', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name_plural': 'billing details',
            },
        ),
        migrations.RunPython(copy_forward, copy_back, elidable=False),
        migrations.RemoveField(
            model_name='billingcustomer',
            name='country',
        ),
        migrations.RemoveField(
            model_name='billingcustomer',
            name='tax_id',
        ),
    ]
