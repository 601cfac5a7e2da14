"""The PrestaShop mirror: PrestaShop's table and column names and ids.

Foreign keys carry no database constraint: real shops hold orphans (an order
whose customer was hard-deleted, `id_state` 0 for "none"), and a dump must load
as it is. They are nullable so that `select_related` uses outer joins and an
orphan reads as None instead of hiding the row.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


def mirror_fk(to, column, related_name, null=True):
    """A PrestaShop id column as a relation: no constraint (the shop's data need not be consistent) and
    no index of its own: the reverse lookups the CRM makes have theirs in Meta.indexes (customer's
    orders and addresses, an order's rows), the others (an order's carrier, currency, state) only
    ever read the row they point at. An index per relation made a first import's ps_orders keep
    eleven indexes up to date.
    """
    return models.ForeignKey(
        to,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        db_column=column,
        null=null,
        related_name=related_name,
    )


class Lang(models.Model):
    id_lang = models.AutoField(primary_key=True)
    name = models.CharField(max_length=32)
    iso_code = models.CharField(max_length=2)
    language_code = models.CharField(max_length=5, blank=True)
    locale = models.CharField(max_length=5, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        db_table = "ps_lang"

    def __str__(self):
        return self.name


class Country(models.Model):
    id_country = models.AutoField(primary_key=True)
    iso_code = models.CharField(max_length=3)
    call_prefix = models.IntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        db_table = "ps_country"

    def __str__(self):
        return self.iso_code


class CountryLang(models.Model):
    pk = models.CompositePrimaryKey("country", "lang")
    country = mirror_fk(Country, "id_country", "names", null=False)
    lang = mirror_fk(Lang, "id_lang", "+", null=False)
    name = models.CharField(max_length=64)

    class Meta:
        db_table = "ps_country_lang"

    def __str__(self):
        return f"{self.country_id}/{self.lang_id}: {self.name}"


class State(models.Model):
    id_state = models.AutoField(primary_key=True)
    country = mirror_fk(Country, "id_country", "states")
    name = models.CharField(max_length=80)
    iso_code = models.CharField(max_length=7, blank=True)

    class Meta:
        db_table = "ps_state"

    def __str__(self):
        return self.name


class Currency(models.Model):
    id_currency = models.AutoField(primary_key=True)
    iso_code = models.CharField(max_length=3)
    name = models.CharField(max_length=64, blank=True)

    class Meta:
        db_table = "ps_currency"

    def __str__(self):
        return self.iso_code


class Customer(models.Model):
    id_customer = models.AutoField(primary_key=True)
    id_shop = models.IntegerField(default=1)
    id_lang = models.IntegerField(default=0)
    id_gender = models.IntegerField(default=0)
    company = models.CharField(max_length=255, blank=True)
    siret = models.CharField(max_length=14, blank=True)
    firstname = models.CharField(max_length=255)
    lastname = models.CharField(max_length=255)
    email = models.CharField(max_length=255)
    birthday = models.DateField(null=True, blank=True)
    newsletter = models.BooleanField(default=False)
    optin = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    is_guest = models.BooleanField(default=False)
    deleted = models.BooleanField(default=False)
    date_add = models.DateTimeField()
    date_upd = models.DateTimeField()

    class Meta:
        db_table = "ps_customer"
        indexes = [
            # PrestaShop (MySQL) compares e-mails case-insensitively: we look up lower(email).
            models.Index(Lower("email"), name="ps_customer_email_lower"),
            models.Index(fields=["date_upd"], name="ps_customer_date_upd"),
        ]

    def __str__(self):
        return f"{self.firstname} {self.lastname} <{self.email}>"


class Address(models.Model):
    id_address = models.AutoField(primary_key=True)
    customer = mirror_fk(Customer, "id_customer", "addresses")
    country = mirror_fk(Country, "id_country", "+")
    state = mirror_fk(State, "id_state", "+")
    alias = models.CharField(max_length=32, blank=True)
    company = models.CharField(max_length=255, blank=True)
    firstname = models.CharField(max_length=255)
    lastname = models.CharField(max_length=255)
    address1 = models.CharField(max_length=128)
    address2 = models.CharField(max_length=128, blank=True)
    postcode = models.CharField(max_length=12, blank=True)
    city = models.CharField(max_length=64)
    other = models.TextField(blank=True)
    phone = models.CharField(max_length=32, blank=True)
    phone_mobile = models.CharField(max_length=32, blank=True)
    vat_number = models.CharField(max_length=32, blank=True)
    dni = models.CharField(max_length=16, blank=True)
    active = models.BooleanField(default=True)
    deleted = models.BooleanField(default=False)
    date_add = models.DateTimeField()
    date_upd = models.DateTimeField()

    class Meta:
        db_table = "ps_address"
        indexes = [
            models.Index(fields=["customer"], name="ps_address_id_customer"),
            models.Index(fields=["date_upd"], name="ps_address_date_upd"),
        ]

    def __str__(self):
        return f"{self.alias or self.address1}, {self.city}"


class OrderState(models.Model):
    id_order_state = models.AutoField(primary_key=True)
    color = models.CharField(max_length=32, blank=True)
    paid = models.BooleanField(default=False)
    shipped = models.BooleanField(default=False)
    delivery = models.BooleanField(default=False)
    logable = models.BooleanField(default=False)
    invoice = models.BooleanField(default=False)
    hidden = models.BooleanField(default=False)
    deleted = models.BooleanField(default=False)
    module_name = models.CharField(max_length=255, blank=True)

    class Meta:
        db_table = "ps_order_state"

    def __str__(self):
        return f"order state {self.id_order_state}"


class OrderStateLang(models.Model):
    pk = models.CompositePrimaryKey("order_state", "lang")
    order_state = mirror_fk(OrderState, "id_order_state", "names", null=False)
    lang = mirror_fk(Lang, "id_lang", "+", null=False)
    name = models.CharField(max_length=64)
    template = models.CharField(max_length=64, blank=True)

    class Meta:
        db_table = "ps_order_state_lang"

    def __str__(self):
        return f"{self.order_state_id}/{self.lang_id}: {self.name}"


class Carrier(models.Model):
    id_carrier = models.AutoField(primary_key=True)
    id_reference = models.IntegerField(default=0)
    name = models.CharField(max_length=64)
    url = models.CharField(max_length=255, blank=True)
    active = models.BooleanField(default=True)
    deleted = models.BooleanField(default=False)
    is_module = models.BooleanField(default=False)
    external_module_name = models.CharField(max_length=64, blank=True)

    class Meta:
        db_table = "ps_carrier"

    def __str__(self):
        return self.name

    def tracking_url(self, tracking_number: str) -> str:
        if not tracking_number or "@" not in self.url:
            return ""
        return self.url.replace("@", tracking_number)


class Order(models.Model):
    id_order = models.AutoField(primary_key=True)
    reference = models.CharField(max_length=9, blank=True)
    customer = mirror_fk(Customer, "id_customer", "orders")
    id_cart = models.IntegerField(default=0)
    id_lang = models.IntegerField(default=0)
    currency = mirror_fk(Currency, "id_currency", "+")
    carrier = mirror_fk(Carrier, "id_carrier", "+")
    address_delivery = mirror_fk(Address, "id_address_delivery", "+")
    address_invoice = mirror_fk(Address, "id_address_invoice", "+")
    current_state = mirror_fk(OrderState, "current_state", "+")
    payment = models.CharField(max_length=255, blank=True)
    module = models.CharField(max_length=255, blank=True)
    shipping_number = models.CharField(max_length=64, blank=True)
    total_paid = models.DecimalField(max_digits=20, decimal_places=6, default=0)
    total_paid_tax_incl = models.DecimalField(max_digits=20, decimal_places=6, default=0)
    total_paid_tax_excl = models.DecimalField(max_digits=20, decimal_places=6, default=0)
    total_paid_real = models.DecimalField(max_digits=20, decimal_places=6, default=0)
    total_products_wt = models.DecimalField(max_digits=20, decimal_places=6, default=0)
    total_shipping_tax_incl = models.DecimalField(max_digits=20, decimal_places=6, default=0)
    conversion_rate = models.DecimalField(max_digits=13, decimal_places=6, default=1)
    invoice_number = models.IntegerField(default=0)
    invoice_date = models.DateTimeField(null=True, blank=True)
    delivery_date = models.DateTimeField(null=True, blank=True)
    valid = models.BooleanField(default=False)
    date_add = models.DateTimeField()
    date_upd = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        db_table = "ps_orders"
        indexes = [
            models.Index(fields=["customer", "date_add"], name="ps_orders_id_customer"),
            models.Index(fields=["reference"], name="ps_orders_reference"),
            models.Index(fields=["date_add"], name="ps_orders_date_add"),
            models.Index(fields=["date_upd"], name="ps_orders_date_upd"),
        ]

    def __str__(self):
        return self.reference or f"order {self.id_order}"


class OrderDetail(models.Model):
    id_order_detail = models.AutoField(primary_key=True)
    order = mirror_fk(Order, "id_order", "details")
    product_id = models.IntegerField(default=0)
    product_attribute_id = models.IntegerField(default=0)
    product_name = models.CharField(max_length=255)
    product_reference = models.CharField(max_length=64, blank=True)
    product_quantity = models.IntegerField(default=1)
    unit_price_tax_incl = models.DecimalField(max_digits=20, decimal_places=6, default=0)
    total_price_tax_incl = models.DecimalField(max_digits=20, decimal_places=6, default=0)

    class Meta:
        db_table = "ps_order_detail"
        indexes = [models.Index(fields=["order"], name="ps_order_detail_id_order")]

    def __str__(self):
        return self.product_name


class OrderHistory(models.Model):
    id_order_history = models.AutoField(primary_key=True)
    order = mirror_fk(Order, "id_order", "history")
    order_state = mirror_fk(OrderState, "id_order_state", "+")
    id_employee = models.IntegerField(default=0)
    date_add = models.DateTimeField()

    class Meta:
        db_table = "ps_order_history"
        indexes = [models.Index(fields=["order"], name="ps_order_history_id_order")]

    def __str__(self):
        return f"order {self.order_id}: state {self.order_state_id}"


class OrderCarrier(models.Model):
    id_order_carrier = models.AutoField(primary_key=True)
    order = mirror_fk(Order, "id_order", "order_carriers")
    carrier = mirror_fk(Carrier, "id_carrier", "+")
    tracking_number = models.CharField(max_length=64, blank=True)
    weight = models.DecimalField(max_digits=20, decimal_places=6, default=0)
    shipping_cost_tax_incl = models.DecimalField(max_digits=20, decimal_places=6, default=0)
    date_add = models.DateTimeField()

    class Meta:
        db_table = "ps_order_carrier"
        indexes = [models.Index(fields=["order"], name="ps_order_carrier_id_order")]

    def __str__(self):
        return f"order {self.order_id}: {self.tracking_number}"


class Employee(models.Model):
    """A back-office employee of the shop: a candidate for a CRM staff account (the password is never mirrored)."""

    id_employee = models.AutoField(primary_key=True)
    firstname = models.CharField(_("first name"), max_length=255)
    lastname = models.CharField(_("last name"), max_length=255)
    email = models.CharField(_("e-mail"), max_length=255)
    active = models.BooleanField(_("active"), default=False)

    class Meta:
        db_table = "ps_employee"
        verbose_name = _("shop employee")
        verbose_name_plural = _("shop employees")

    def __str__(self):
        return f"{self.firstname} {self.lastname} <{self.email}>"


class ImportState(models.Model):
    """Where the last `import_prestashop` left off, per mirrored table (not a PrestaShop table)."""

    table = models.CharField(max_length=64, primary_key=True)
    # Highest PrestaShop date_upd (for order rows: of their order) in a committed batch.
    mark = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "crm_import_state"

    def __str__(self):
        return f"{self.table}: {self.mark}"


class Disclosure(models.Model):
    """One disclosure of a person's data to someone outside the shop (GDPR art. 30): not a PrestaShop table."""

    email = models.CharField(_("e-mail"), max_length=255, db_index=True)
    disclosed_on = models.DateField(_("date"))
    recipient = models.CharField(_("to whom"), max_length=255)
    scope = models.TextField(_("scope"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "crm_disclosure"
        ordering = ["-disclosed_on", "-id"]
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        permissions = [("view_personal_data", _("Can see personal-data reports and keep the disclosure log"))]

    def __str__(self):
        return f"{self.disclosed_on} {self.recipient}"


class Erasure(models.Model):
    """Proof that a person's data was erased, keeping none of it: the e-mail only as a keyed hash."""

    email_hash = models.CharField(_("e-mail hash"), max_length=64, db_index=True)
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Kept apart from the link, which goes when the account is deleted.
    performed_by_name = models.CharField(_("erased by"), max_length=150)
    performed_at = models.DateTimeField(_("erased at"), auto_now_add=True)
    threads_removed = models.PositiveIntegerField(_("threads removed"), default=0)
    messages_removed = models.PositiveIntegerField(_("messages removed"), default=0)
    attachments_removed = models.PositiveIntegerField(_("attachments removed"), default=0)
    disclosures_removed = models.PositiveIntegerField(_("disclosures removed"), default=0)
    disclosure_recipients = models.TextField(_("recipients to tell of the erasure"), blank=True)
    shop_customers_kept = models.PositiveIntegerField(_("shop accounts left to erase in PrestaShop"), default=0)

    class Meta:
        db_table = "crm_erasure"
        ordering = ["-performed_at", "-id"]
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")

    def __str__(self):
        return f"{self.performed_at:%Y-%m-%d %H:%M} {self.performed_by_name}"
