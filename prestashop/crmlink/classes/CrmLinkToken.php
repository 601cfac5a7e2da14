<?php
/**
 * Sign-in tokens and signed requests for the CRM, with the secret shared with it.
 *
 * Needs nothing from PrestaShop (the test suite runs it with php-cli); the CRM
 * verifies both in crm/shoplink/tokens.py.
 *
 * Sign-in token: base64url(JSON {v, email, shop, exp, nonce}) . "." . base64url(HMAC-SHA256),
 * the MAC over "crmlink.signin.v1." followed by the encoded payload.
 * Signed request: HMAC-SHA256 (hex) over "crmlink.api.v1", method, path, raw query
 * string and Unix timestamp joined by "\n", sent as X-Crmlink-Signature and X-Crmlink-Timestamp.
 *
 * @license AGPL-3.0-or-later
 */
if (!defined('_PS_VERSION_')) {
    exit;
}

class CrmLinkToken
{
    const SIGNIN_PURPOSE = 'crmlink.signin.v1.';
    const API_PURPOSE = 'crmlink.api.v1';
    const VERSION = 1;
    const LIFETIME_SECONDS = 60;
    const MIN_SECRET_LENGTH = 32;

    /**
     * A single-use sign-in token for the employee with this e-mail, valid for $lifetime seconds from $now.
     */
    public static function signin($secret, $email, $shop, $now, $lifetime = self::LIFETIME_SECONDS, $nonce = null)
    {
        $payload = array(
            'v' => self::VERSION,
            'email' => (string) $email,
            'shop' => (string) $shop,
            'exp' => (int) $now + (int) $lifetime,
            'nonce' => $nonce === null ? self::nonce() : (string) $nonce,
        );
        $encoded = self::base64url(json_encode($payload, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE));
        $mac = hash_hmac('sha256', self::SIGNIN_PURPOSE . $encoded, $secret, true);

        return $encoded . '.' . self::base64url($mac);
    }

    /**
     * The CRM's sign-in address carrying the token; $next (a path in the CRM such as /t/ABC1234/) is where it lands.
     */
    public static function signinUrl($crmUrl, $token, $next = '')
    {
        $query = array('token' => $token);
        if (self::isCrmPath($next)) {
            $query['next'] = $next;
        }

        return rtrim($crmUrl, '/') . '/shop/signin/?' . http_build_query($query, '', '&', PHP_QUERY_RFC3986);
    }

    /**
     * Headers that sign a request to the CRM: X-Crmlink-Timestamp and X-Crmlink-Signature.
     */
    public static function requestHeaders($secret, $method, $url, $now)
    {
        $path = (string) parse_url($url, PHP_URL_PATH);
        $query = (string) parse_url($url, PHP_URL_QUERY);
        $timestamp = (string) (int) $now;
        $message = implode("\n", array(self::API_PURPOSE, strtoupper($method), $path, $query, $timestamp));

        return array(
            'X-Crmlink-Timestamp' => $timestamp,
            'X-Crmlink-Signature' => hash_hmac('sha256', $message, $secret),
        );
    }

    /**
     * The CRM accepts secrets of 32+ visible ASCII characters without spaces or commas (CRM_SHOP_SHARED_SECRET).
     */
    public static function isValidSecret($secret)
    {
        return is_string($secret)
            && strlen($secret) >= self::MIN_SECRET_LENGTH
            && preg_match('/^[\x21-\x2b\x2d-\x7e]+$/', $secret) === 1;
    }

    /** A path inside the CRM (not //host, which browsers read as another site). */
    public static function isCrmPath($path)
    {
        return is_string($path) && preg_match('#^/(?![/\\\\])[\x21-\x7e]*$#', $path) === 1;
    }

    private static function nonce()
    {
        $bytes = function_exists('random_bytes') ? random_bytes(16) : openssl_random_pseudo_bytes(16);

        return bin2hex($bytes);
    }

    private static function base64url($bytes)
    {
        return rtrim(strtr(base64_encode($bytes), '+/', '-_'), '=');
    }
}
