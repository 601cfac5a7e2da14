"""Personal data (GDPR) of one e-mail address: what is held (collect), the PDF report (pdf), its
erasure from the CRM (erase) and the pages (forms, views, urls).

The report combines threads with the shop mirror, so it lives on the threads side; the Disclosure and
Erasure records stay in customers, they hold no thread reference.
"""
