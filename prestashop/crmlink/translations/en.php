<?php

if (!defined('_PS_VERSION_')) {
    exit;
}

global $_MODULE;
$_MODULE = array();

// CRM link
$_MODULE['<{crmlink}prestashop>crmlink_10a38820e09b2de7413e8345eddcff8e'] = 'CRM link';
// Opens the customer service CRM from the Customer Service menu, signed in, and shows the customer's CRM threads on order and customer pages.
$_MODULE['<{crmlink}prestashop>crmlink_e747124b7767425bf7b7005091eefc52'] = 'Opens the customer service CRM from the Customer Service menu, signed in, and shows the customer\'s CRM threads on order and customer pages.';
// Remove the CRM entry from the Customer Service menu?
$_MODULE['<{crmlink}prestashop>crmlink_a58371ed8552086582fb275def2ca8aa'] = 'Remove the CRM entry from the Customer Service menu?';
// The CRM address must start with https:// (or http://), like https://crm.example.com.
$_MODULE['<{crmlink}prestashop>crmlink_d3d00fd8c257605d7f497c44f82e65bb'] = 'The CRM address must start with https:// (or http://), like https://crm.example.com.';
// The shared secret must be at least 32 characters, without spaces or commas: the same value as CRM_SHOP_SHARED_SECRET in the CRM.
$_MODULE['<{crmlink}prestashop>crmlink_aad4e618cc91ad1e58f707f464280530'] = 'The shared secret must be at least 32 characters, without spaces or commas: the same value as CRM_SHOP_SHARED_SECRET in the CRM.';
// Settings saved, but the CRM refused or did not answer: %s
$_MODULE['<{crmlink}prestashop>crmlink_75a944c9158bb021856a0a204cc142c0'] = 'Settings saved, but the CRM refused or did not answer: %s';
// Settings saved. The CRM accepted the shared secret.
$_MODULE['<{crmlink}prestashop>crmlink_fbf5d2f42d751695b3c7ef635672d062'] = 'Settings saved. The CRM accepted the shared secret.';
// Connection to the CRM
$_MODULE['<{crmlink}prestashop>crmlink_227190a6c99d7883ef8e8718871a4f8f'] = 'Connection to the CRM';
// CRM address
$_MODULE['<{crmlink}prestashop>crmlink_4cbd5dbeeef7392e50358b1bc00dd592'] = 'CRM address';
// The address staff open the CRM at, like https://crm.example.com.
$_MODULE['<{crmlink}prestashop>crmlink_30f7efaefdcb8c1d61d3e51c589928b3'] = 'The address staff open the CRM at, like https://crm.example.com.';
// Shared secret
$_MODULE['<{crmlink}prestashop>crmlink_a66aefb8e8161df9dbe11c2879d647ad'] = 'Shared secret';
// The same value as CRM_SHOP_SHARED_SECRET in the CRM (the newest one when it lists several). Leave empty to keep the saved secret.
$_MODULE['<{crmlink}prestashop>crmlink_a6add58782e06aab9f7f75bd0fd68a72'] = 'The same value as CRM_SHOP_SHARED_SECRET in the CRM (the newest one when it lists several). Leave empty to keep the saved secret.';
// Save
$_MODULE['<{crmlink}prestashop>crmlink_c9cc8cce247e49bae79f15173ce97354'] = 'Save';
// New
$_MODULE['<{crmlink}prestashop>crmlink_03c2e7e41ffc181a4e84080b4710e81e'] = 'New';
// Waiting
$_MODULE['<{crmlink}prestashop>crmlink_5706de961fb376d701be6e7762d8b09c'] = 'Waiting';
// Archived
$_MODULE['<{crmlink}prestashop>crmlink_7d69b3cb4cada18ae61811304f8fbcb5'] = 'Archived';
// The CRM address and the shared secret are not set: open Modules, CRM link, Configure.
$_MODULE['<{crmlink}prestashop>crmlink_a01da9bdd916bd7384d0782d952e9ccb'] = 'The CRM address and the shared secret are not set: open Modules, CRM link, Configure.';
// CRM threads
$_MODULE['<{crmlink}prestashop>threads_80193e4265bab624c87f959256e23f0e'] = 'CRM threads';
// Customer card in the CRM
$_MODULE['<{crmlink}prestashop>threads_16a613745c41266ce0d97eccfe7f891f'] = 'Customer card in the CRM';
// Set the CRM address and the shared secret in the module configuration to see the threads of the customer here.
$_MODULE['<{crmlink}prestashop>threads_90f739a7e5d86114a4418cfc9bb61b33'] = 'Set the CRM address and the shared secret in the module configuration to see the threads of the customer here.';
// Configure
$_MODULE['<{crmlink}prestashop>threads_f1206f9fadc5ce41694f69129aecac26'] = 'Configure';
// The CRM did not give the threads:
$_MODULE['<{crmlink}prestashop>threads_4d2e0bf535a4ef600ecf856ebea2fd97'] = 'The CRM did not give the threads:';
// No CRM threads with the e-mail address of this customer.
$_MODULE['<{crmlink}prestashop>threads_6ab791d87ea871a186d467018fa825c3'] = 'No CRM threads with the e-mail address of this customer.';
// Subject
$_MODULE['<{crmlink}prestashop>threads_c7892ebbb139886662c6f2fc8c450710'] = 'Subject';
// Status
$_MODULE['<{crmlink}prestashop>threads_ec53a8c4f07baed5d8825072c89799be'] = 'Status';
// Last message
$_MODULE['<{crmlink}prestashop>threads_cf090b8fa4a136ed6058aaf84d5d2538'] = 'Last message';
// (our reply)
$_MODULE['<{crmlink}prestashop>threads_ca115d28585ad02211d764873177991c'] = '(our reply)';
// %d older threads in the CRM.
$_MODULE['<{crmlink}prestashop>threads_873c4f2a8fad342ee87080a7e686ac5e'] = '%d older threads in the CRM.';
