<?php

if (!defined('_PS_VERSION_')) {
    exit;
}

global $_MODULE;
$_MODULE = array();

// CRM link
$_MODULE['<{crmlink}prestashop>crmlink_10a38820e09b2de7413e8345eddcff8e'] = 'Łącznik CRM';
// Opens the customer service CRM from the Customer Service menu, signed in, and shows the customer's CRM threads on order and customer pages.
$_MODULE['<{crmlink}prestashop>crmlink_e747124b7767425bf7b7005091eefc52'] = 'Otwiera CRM obsługi klienta z menu Obsługa klienta, od razu po zalogowaniu, i pokazuje wątki klienta z CRM na stronach zamówień i klientów.';
// Remove the CRM entry from the Customer Service menu?
$_MODULE['<{crmlink}prestashop>crmlink_a58371ed8552086582fb275def2ca8aa'] = 'Usunąć pozycję CRM z menu Obsługa klienta?';
// The CRM address must start with https:// (or http://), like https://crm.example.com.
$_MODULE['<{crmlink}prestashop>crmlink_d3d00fd8c257605d7f497c44f82e65bb'] = 'Adres CRM musi zaczynać się od https:// (lub http://), np. https://crm.example.com.';
// The shared secret must be at least 32 characters, without spaces or commas: the same value as CRM_SHOP_SHARED_SECRET in the CRM.
$_MODULE['<{crmlink}prestashop>crmlink_aad4e618cc91ad1e58f707f464280530'] = 'Wspólny sekret musi mieć co najmniej 32 znaki, bez spacji i przecinków: ta sama wartość co CRM_SHOP_SHARED_SECRET w CRM.';
// Settings saved, but the CRM refused or did not answer: %s
$_MODULE['<{crmlink}prestashop>crmlink_75a944c9158bb021856a0a204cc142c0'] = 'Ustawienia zapisane, ale CRM odmówił lub nie odpowiedział: %s';
// Settings saved. The CRM accepted the shared secret.
$_MODULE['<{crmlink}prestashop>crmlink_fbf5d2f42d751695b3c7ef635672d062'] = 'Ustawienia zapisane. CRM przyjął wspólny sekret.';
// Connection to the CRM
$_MODULE['<{crmlink}prestashop>crmlink_227190a6c99d7883ef8e8718871a4f8f'] = 'Połączenie z CRM';
// CRM address
$_MODULE['<{crmlink}prestashop>crmlink_4cbd5dbeeef7392e50358b1bc00dd592'] = 'Adres CRM';
// The address staff open the CRM at, like https://crm.example.com.
$_MODULE['<{crmlink}prestashop>crmlink_30f7efaefdcb8c1d61d3e51c589928b3'] = 'Adres, pod którym pracownicy otwierają CRM, np. https://crm.example.com.';
// Shared secret
$_MODULE['<{crmlink}prestashop>crmlink_a66aefb8e8161df9dbe11c2879d647ad'] = 'Wspólny sekret';
// The same value as CRM_SHOP_SHARED_SECRET in the CRM (the newest one when it lists several). Leave empty to keep the saved secret.
$_MODULE['<{crmlink}prestashop>crmlink_a6add58782e06aab9f7f75bd0fd68a72'] = 'Ta sama wartość co CRM_SHOP_SHARED_SECRET w CRM (najnowsza, jeśli jest ich kilka). Zostaw puste, aby zachować zapisany sekret.';
// Save
$_MODULE['<{crmlink}prestashop>crmlink_c9cc8cce247e49bae79f15173ce97354'] = 'Zapisz';
// New
$_MODULE['<{crmlink}prestashop>crmlink_03c2e7e41ffc181a4e84080b4710e81e'] = 'nowy';
// Waiting
$_MODULE['<{crmlink}prestashop>crmlink_5706de961fb376d701be6e7762d8b09c'] = 'oczekujący';
// Archived
$_MODULE['<{crmlink}prestashop>crmlink_7d69b3cb4cada18ae61811304f8fbcb5'] = 'archiwalny';
// The CRM address and the shared secret are not set: open Modules, CRM link, Configure.
$_MODULE['<{crmlink}prestashop>crmlink_a01da9bdd916bd7384d0782d952e9ccb'] = 'Adres CRM i wspólny sekret nie są ustawione: otwórz Moduły, Łącznik CRM, Konfiguruj.';
// CRM threads
$_MODULE['<{crmlink}prestashop>threads_80193e4265bab624c87f959256e23f0e'] = 'Wątki w CRM';
// Customer card in the CRM
$_MODULE['<{crmlink}prestashop>threads_16a613745c41266ce0d97eccfe7f891f'] = 'Karta klienta w CRM';
// Set the CRM address and the shared secret in the module configuration to see the threads of the customer here.
$_MODULE['<{crmlink}prestashop>threads_90f739a7e5d86114a4418cfc9bb61b33'] = 'Ustaw adres CRM i wspólny sekret w konfiguracji modułu, aby widzieć tu wątki klienta.';
// Configure
$_MODULE['<{crmlink}prestashop>threads_f1206f9fadc5ce41694f69129aecac26'] = 'Konfiguruj';
// The CRM did not give the threads:
$_MODULE['<{crmlink}prestashop>threads_4d2e0bf535a4ef600ecf856ebea2fd97'] = 'CRM nie podał wątków:';
// No CRM threads with the e-mail address of this customer.
$_MODULE['<{crmlink}prestashop>threads_6ab791d87ea871a186d467018fa825c3'] = 'Brak wątków w CRM z adresem e-mail tego klienta.';
// Subject
$_MODULE['<{crmlink}prestashop>threads_c7892ebbb139886662c6f2fc8c450710'] = 'Temat';
// Status
$_MODULE['<{crmlink}prestashop>threads_ec53a8c4f07baed5d8825072c89799be'] = 'Status';
// Last message
$_MODULE['<{crmlink}prestashop>threads_cf090b8fa4a136ed6058aaf84d5d2538'] = 'Ostatnia wiadomość';
// (our reply)
$_MODULE['<{crmlink}prestashop>threads_ca115d28585ad02211d764873177991c'] = '(nasza odpowiedź)';
// %d older threads in the CRM.
$_MODULE['<{crmlink}prestashop>threads_873c4f2a8fad342ee87080a7e686ac5e'] = 'Starsze wątki w CRM: %d.';
