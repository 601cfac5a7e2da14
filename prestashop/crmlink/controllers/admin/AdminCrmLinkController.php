<?php
/**
 * The "CRM" tab under Customer Service: sends the employee to the CRM with a fresh sign-in token.
 *
 * ?next=/t/ABC1234/ (a path in the CRM) opens that page after signing in, for the links of the thread panel.
 *
 * @license AGPL-3.0-or-later
 */
if (!defined('_PS_VERSION_')) {
    exit;
}

class AdminCrmLinkController extends ModuleAdminController
{
    public function __construct()
    {
        $this->bootstrap = true;
        parent::__construct();
    }

    public function initContent()
    {
        $url = $this->module->signInUrl($this->context->employee, (string) Tools::getValue('next', ''));
        if ($url !== null) {
            Tools::redirect($url);
        }
        $this->errors[] = $this->module->l('The CRM address and the shared secret are not set: open Modules, CRM link, Configure.');
        parent::initContent();
    }
}
