# Phone and date of birth move to encrypted columns; the rows that held them in plain text
# are encrypted in place (reversible).

import core.fields
import django.core.validators
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0007_marketing_email_opt_in'),
    ]

    operations = [
        migrations.AlterField(
            model_name='profile',
            name='date_of_birth',
            field=core.fields.EncryptedDateField(blank=True, null=True, verbose_name='date of birth'),
        ),
        migrations.AlterField(
            model_name='profile',
            name='phone',
            field=core.fields.EncryptedTextField(blank=True, max_length=16, single_line=True, validators=[django.core.validators.RegexValidator('^\\+[1-9]\\d{6,14}$', 'Enter the number in international form, e.g. +34600123456.')], verbose_name='phone'),
        ),
        core.fields.encrypt_existing_rows("accounts", "Profile", "phone", "date_of_birth"),
    ]
