<?php
/**
 * Runs the module's PrestaShop-free classes from the test suite (php-cli):
 *   signin SECRET EMAIL SHOP NOW [LIFETIME]   -> a sign-in token
 *   signin-url CRM_URL TOKEN [NEXT]           -> the CRM sign-in address
 *   headers SECRET URL NOW                    -> JSON of the signing headers
 *   threads CRM_URL SECRET EMAIL [NOW]        -> JSON of CrmLinkClient::threadsFor()
 *   valid-secret SECRET / valid-url URL       -> 1 or 0
 *   translations ISO                          -> JSON of translations/ISO.php
 */
define('_PS_VERSION_', 'php-cli');
$module = dirname(__DIR__, 2) . '/prestashop/crmlink';
require $module . '/classes/CrmLinkToken.php';
require $module . '/classes/CrmLinkClient.php';
date_default_timezone_set('Europe/Warsaw');

$args = array_slice($argv, 1);
switch (array_shift($args)) {
    case 'signin':
        echo CrmLinkToken::signin($args[0], $args[1], $args[2], (int) $args[3], isset($args[4]) ? (int) $args[4] : CrmLinkToken::LIFETIME_SECONDS);
        break;
    case 'signin-url':
        echo CrmLinkToken::signinUrl($args[0], $args[1], isset($args[2]) ? $args[2] : '');
        break;
    case 'headers':
        echo json_encode(CrmLinkToken::requestHeaders($args[0], 'GET', $args[1], (int) $args[2]));
        break;
    case 'threads':
        $client = new CrmLinkClient($args[0], $args[1]);
        echo json_encode($client->threadsFor($args[2], isset($args[3]) ? (int) $args[3] : null));
        break;
    case 'valid-secret':
        echo CrmLinkToken::isValidSecret($args[0]) ? '1' : '0';
        break;
    case 'valid-url':
        echo CrmLinkClient::isValidCrmUrl($args[0]) ? '1' : '0';
        break;
    case 'translations':
        require $module . '/translations/' . basename($args[0]) . '.php';
        echo json_encode($_MODULE);
        break;
    default:
        fwrite(STDERR, "unknown command\n");
        exit(2);
}
