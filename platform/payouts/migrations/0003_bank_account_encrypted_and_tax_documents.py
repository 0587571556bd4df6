# The bank account's fields (encrypted at rest; the free-text details that were plain text
# are encrypted in place) and payees' tax documents.

import core.fields
import core.uploads
import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('payouts', '0002_payout_schedule'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='payeeprofile',
            name='account_holder',
            field=core.fields.EncryptedTextField(blank=True, max_length=140, single_line=True, verbose_name='account holder'),
        ),
        migrations.AddField(
            model_name='payeeprofile',
            name='account_number',
            field=core.fields.EncryptedTextField(blank=True, max_length=34, single_line=True, validators=[django.core.validators.RegexValidator('^[A-Za-z0-9 -]{4,34}$', 'Enter the IBAN or account number: letters, digits and spaces.')], verbose_name='IBAN or account number'),
        ),
        migrations.AddField(
            model_name='payeeprofile',
            name='account_number_index',
            field=models.CharField(blank=True, db_index=True, max_length=32),
        ),
        migrations.AddField(
            model_name='payeeprofile',
            name='bank_country',
            field=models.CharField(blank=True, max_length=2, validators=[django.core.validators.RegexValidator('^[A-Z]{2}$', 'Use the two-letter country code, e.g. ES.')], verbose_name="bank's country"),
        ),
        migrations.AddField(
            model_name='payeeprofile',
            name='bank_name',
            field=models.CharField(blank=True, max_length=140, verbose_name='bank'),
        ),
        migrations.AlterField(
            model_name='payeeprofile',
            name='bank_details',
            field=core.fields.EncryptedTextField(blank=True, max_length=500, verbose_name='other bank details'),
        ),
        migrations.CreateModel(
            name='TaxDocument',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('kind', models.CharField(choices=[('w9', 'W-9 (US persons)'), ('w8ben', 'W-8BEN (non-US individuals)'), ('w8bene', 'W-8BEN-E (non-US entities)'), ('vat', 'VAT or tax registration certificate'), ('other', 'Other tax document')], max_length=12, verbose_name='form')),
                ('file', models.FileField(storage=core.uploads.private_storage, upload_to='tax-documents/', verbose_name='file')),
                ('content_type', models.CharField(editable=False, max_length=100)),
                ('original_name', models.CharField(blank=True, max_length=200)),
                ('uploaded_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('payee', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tax_documents', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-uploaded_at'],
            },
        ),
        core.fields.encrypt_existing_rows("payouts", "PayeeProfile", "bank_details"),
    ]
