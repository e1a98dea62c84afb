"""The postcode's index holds each resident's id too (PostgreSQL: INCLUDE; SQLite's indexes hold
the rowid, the id, already and it ignores INCLUDE): a search by a postcode a block's residents
share reads their ids from the index alone, not each resident's row (200 residents at the
benchmark's million cases: 0.28 → 0.05 ms; issue 19). The postcode itself is included so that
PostgreSQL can answer from the index a query that names it only inside the indexed expression.
"""

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('residents', '0004_merge_consent_and_uprn'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='resident',
            name='resident_postcode_key',
        ),
        migrations.AddIndex(
            model_name='resident',
            index=models.Index(django.db.models.functions.text.Upper(django.db.models.functions.text.Replace(models.F('postcode'), models.Value(' '), models.Value(''))), include=('postcode', 'id'), name='resident_postcode_key'),
        ),
    ]
