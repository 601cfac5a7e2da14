import pytest
from django.db import connection

from search.models import CustomerIndexEntry
from search.selectors import matching, parse_query


@pytest.fixture
def postgresql(db):
    if connection.vendor != "postgresql":
        pytest.skip("the trigram index exists on PostgreSQL only (run with DATABASE_URL=postgres://...)")


def test_every_query_word_is_answered_from_the_trigram_index(postgresql):
    searched = CustomerIndexEntry.objects.filter(matching(parse_query("kowalski 600-100-200")))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # an empty table would be scanned anyway
    plan = searched.explain()
    assert "Bitmap Index Scan on search_customer_index_text_trgm" in plan
    assert "Seq Scan" not in plan
