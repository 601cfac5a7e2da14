<?php
/**
 * CRM link: "CRM" in the Customer Service menu signs the employee in to the CRM;
 * order and customer pages show the customer's CRM threads.
 *
 * Written for PrestaShop 1.7 and 8 with the classic module API ($this->l() and
 * translations/<iso>.php), which both versions read.
 *
 * @license AGPL-3.0-or-later
 */
if (!defined('_PS_VERSION_')) {
    exit;
}

require_once __DIR__ . '/classes/CrmLinkToken.php';
require_once __DIR__ . '/classes/CrmLinkClient.php';

class CrmLink extends Module
{
    const CONFIG_URL = 'CRMLINK_URL';
    const CONFIG_SECRET = 'CRMLINK_SECRET';
    const TAB_CLASS = 'AdminCrmLink';
    const TAB_PARENT = 'AdminParentCustomerThreads';
    const PROBE_EMAIL = 'crmlink-probe@example.invalid';

    public function __construct()
    {
        $this->name = 'crmlink';
        $this->tab = 'administration';
        $this->version = '1.0.0';
        $this->author = 'prestashop-crm';
        $this->need_instance = 0;
        $this->ps_versions_compliancy = array('min' => '1.7.0.0', 'max' => '8.99.99');
        $this->bootstrap = true;

        parent::__construct();

        $this->displayName = $this->l('CRM link');
        $this->description = $this->l('Opens the customer service CRM from the Customer Service menu, signed in, and shows the customer\'s CRM threads on order and customer pages.');
        $this->confirmUninstall = $this->l('Remove the CRM entry from the Customer Service menu?');
    }

    public function install()
    {
        return parent::install()
            && $this->installTab()
            && $this->registerHook('displayAdminOrder')
            && $this->registerHook('displayAdminCustomers');
    }

    public function uninstall()
    {
        return $this->uninstallTab()
            && Configuration::deleteByName(self::CONFIG_URL)
            && Configuration::deleteByName(self::CONFIG_SECRET)
            && parent::uninstall();
    }

    private function installTab()
    {
        if (Tab::getIdFromClassName(self::TAB_CLASS)) {
            return true;
        }
        $tab = new Tab();
        $tab->active = 1;
        $tab->class_name = self::TAB_CLASS;
        $tab->module = $this->name;
        $tab->id_parent = (int) Tab::getIdFromClassName(self::TAB_PARENT);
        $tab->name = array();
        foreach (Language::getLanguages(false) as $language) {
            $tab->name[(int) $language['id_lang']] = 'CRM';
        }

        return (bool) $tab->save();
    }

    private function uninstallTab()
    {
        $id = (int) Tab::getIdFromClassName(self::TAB_CLASS);
        if (!$id) {
            return true;
        }
        $tab = new Tab($id);

        return (bool) $tab->delete();
    }

    /** The configuration page: the CRM's address and the shared secret. */
    public function getContent()
    {
        $output = '';
        if (Tools::isSubmit('submit' . $this->name)) {
            $output = $this->saveConfiguration();
        }

        return $output . $this->renderForm();
    }

    private function saveConfiguration()
    {
        $url = rtrim(trim((string) Tools::getValue(self::CONFIG_URL)), '/');
        $secret = trim((string) Tools::getValue(self::CONFIG_SECRET));
        if ($secret === '') {
            $secret = (string) Configuration::get(self::CONFIG_SECRET);
        }
        $errors = array();
        if (!CrmLinkClient::isValidCrmUrl($url)) {
            $errors[] = $this->l('The CRM address must start with https:// (or http://), like https://crm.example.com.');
        }
        if (!CrmLinkToken::isValidSecret($secret)) {
            $errors[] = $this->l('The shared secret must be at least 32 characters, without spaces or commas: the same value as CRM_SHOP_SHARED_SECRET in the CRM.');
        }
        if ($errors) {
            return $this->displayError(implode('<br>', $errors));
        }
        Configuration::updateValue(self::CONFIG_URL, $url);
        Configuration::updateValue(self::CONFIG_SECRET, $secret);
        $probe = $this->client()->threadsFor(self::PROBE_EMAIL);
        if (!$probe['ok']) {
            return $this->displayWarning(sprintf($this->l('Settings saved, but the CRM refused or did not answer: %s'), htmlspecialchars($probe['error'], ENT_QUOTES, 'UTF-8')));
        }

        return $this->displayConfirmation($this->l('Settings saved. The CRM accepted the shared secret.'));
    }

    private function renderForm()
    {
        $form = array(
            'form' => array(
                'legend' => array('title' => $this->l('Connection to the CRM'), 'icon' => 'icon-cogs'),
                'input' => array(
                    array(
                        'type' => 'text',
                        'name' => self::CONFIG_URL,
                        'label' => $this->l('CRM address'),
                        'desc' => $this->l('The address staff open the CRM at, like https://crm.example.com.'),
                        'required' => true,
                    ),
                    array(
                        'type' => 'password',
                        'name' => self::CONFIG_SECRET,
                        'label' => $this->l('Shared secret'),
                        'desc' => $this->l('The same value as CRM_SHOP_SHARED_SECRET in the CRM (the newest one when it lists several). Leave empty to keep the saved secret.'),
                    ),
                ),
                'submit' => array('title' => $this->l('Save')),
            ),
        );
        $helper = new HelperForm();
        $helper->module = $this;
        $helper->table = $this->table;
        $helper->name_controller = $this->name;
        $helper->token = Tools::getAdminTokenLite('AdminModules');
        $helper->currentIndex = AdminController::$currentIndex . '&' . http_build_query(array('configure' => $this->name));
        $helper->submit_action = 'submit' . $this->name;
        $helper->default_form_language = (int) Configuration::get('PS_LANG_DEFAULT');
        $helper->fields_value = array(
            self::CONFIG_URL => Tools::getValue(self::CONFIG_URL, Configuration::get(self::CONFIG_URL)),
            self::CONFIG_SECRET => '',
        );

        return $helper->generateForm(array($form));
    }

    /** Where the "CRM" tab sends the employee: the CRM's sign-in with a fresh token, or null when not configured. */
    public function signInUrl($employee, $next = '')
    {
        $url = (string) Configuration::get(self::CONFIG_URL);
        $secret = (string) Configuration::get(self::CONFIG_SECRET);
        if ($url === '' || $secret === '' || !Validate::isLoadedObject($employee)) {
            return null;
        }
        $token = CrmLinkToken::signin($secret, $employee->email, Tools::getShopDomainSsl(), time());

        return CrmLinkToken::signinUrl($url, $token, $next);
    }

    public function hookDisplayAdminOrder($params)
    {
        $order = new Order(isset($params['id_order']) ? (int) $params['id_order'] : 0);
        if (!Validate::isLoadedObject($order)) {
            return '';
        }

        return $this->threadPanel(new Customer((int) $order->id_customer));
    }

    public function hookDisplayAdminCustomers($params)
    {
        return $this->threadPanel(new Customer(isset($params['id_customer']) ? (int) $params['id_customer'] : 0));
    }

    private function threadPanel($customer)
    {
        if (!Validate::isLoadedObject($customer) || !$customer->email) {
            return '';
        }
        $client = $this->client();
        $result = $client ? $client->threadsFor($customer->email) : null;
        $threads = array();
        foreach ($result ? $result['threads'] : array() as $thread) {
            $thread['url'] = $thread['path'] !== '' ? $this->crmLink($thread['path']) : '';
            $thread['status_label'] = $this->statusLabel($thread['status']);
            $threads[] = $thread;
        }
        $this->context->smarty->assign(array(
            'crmlink_configured' => $client !== null,
            'crmlink_configure_url' => $this->context->link->getAdminLink('AdminModules') . '&configure=' . $this->name,
            'crmlink_error' => $result ? $result['error'] : '',
            'crmlink_threads' => $threads,
            'crmlink_more' => $result ? max(0, $result['total'] - count($threads)) : 0,
            'crmlink_customer_url' => $result && $result['customer_path'] !== '' ? $this->crmLink($result['customer_path']) : '',
        ));

        return $this->display(__FILE__, 'views/templates/hook/threads.tpl');
    }

    /** A link that signs the employee in to the CRM and opens this CRM page. */
    private function crmLink($path)
    {
        return $this->context->link->getAdminLink(self::TAB_CLASS) . '&' . http_build_query(array('next' => $path), '', '&', PHP_QUERY_RFC3986);
    }

    private function statusLabel($status)
    {
        $labels = array(
            'new' => $this->l('New'),
            'waiting' => $this->l('Waiting'),
            'archived' => $this->l('Archived'),
        );

        return isset($labels[$status]) ? $labels[$status] : $status;
    }

    private function client()
    {
        $url = (string) Configuration::get(self::CONFIG_URL);
        $secret = (string) Configuration::get(self::CONFIG_SECRET);

        return $url !== '' && $secret !== '' ? new CrmLinkClient($url, $secret) : null;
    }
}
