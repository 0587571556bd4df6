# The partner application's phone moves to an encrypted column; rows that held it in plain
# text are encrypted in place (reversible).

import core.fields
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('abroad', '0009_review_dated_by_the_service'),
    ]

    operations = [
        migrations.AlterField(
            model_name='vendorapplication',
            name='phone',
            field=core.fields.EncryptedTextField(max_length=40, single_line=True, verbose_name='phone'),
        ),
        core.fields.encrypt_existing_rows("abroad", "VendorApplication", "phone"),
    ]
