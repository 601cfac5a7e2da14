from django.db import models


class CustomerIndexEntry(models.Model):
    """One searchable row per customer, rebuilt from the PrestaShop mirror.

    `text` holds the customer's and their addresses' normalised words (see
    search.indexing); the other columns are what a result shows. On PostgreSQL
    a trigram GIN index on `text` (migration 0001) serves LIKE '%word%'.
    """

    customer_id = models.IntegerField(primary_key=True)
    firstname = models.CharField(max_length=255)
    lastname = models.CharField(max_length=255)
    email = models.CharField(max_length=255)
    phone = models.CharField(max_length=32, blank=True)
    text = models.TextField()
    # Newest date_upd of the customer and their addresses: the incremental
    # reindex starts from the newest one already indexed.
    source_updated_at = models.DateTimeField()

    class Meta:
        db_table = "search_customer_index"
        indexes = [models.Index(fields=["source_updated_at"], name="search_index_source_upd")]

    def __str__(self):
        return f"{self.firstname} {self.lastname} <{self.email}>"
