"""The CRM link with the PrestaShop module (prestashop/crmlink, docs/prestashop-module.md).

Both directions are authenticated by a secret shared with the shop
(CRM_SHOP_SHARED_SECRET):
- `tokens`: pure functions that verify the module's sign-in tokens and signed requests;
- `signin`: turns a verified token into the staff member to log in (single use, via `UsedSigninNonce`);
- `views`: the sign-in page the back office's "CRM" tab opens;
- `api_auth`: the check a read-only endpoint for the module runs on a request.
"""
