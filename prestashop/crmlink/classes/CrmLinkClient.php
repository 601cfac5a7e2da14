<?php
/**
 * Asks the CRM for a customer's threads (GET /shop/api/threads/?email=), signed with the shared secret.
 *
 * Needs nothing from PrestaShop (the test suite runs it with php-cli against a
 * real CRM). Uses PHP's HTTP stream wrapper (allow_url_fopen, which PrestaShop
 * requires) with a short timeout: the order page must not wait long for the CRM.
 *
 * @license AGPL-3.0-or-later
 */
if (!defined('_PS_VERSION_')) {
    exit;
}

class CrmLinkClient
{
    const THREADS_PATH = '/shop/api/threads/';
    const TIMEOUT_SECONDS = 4;
    const MAX_RESPONSE_BYTES = 1048576;

    private $crmUrl;
    private $secret;
    private $timeout;

    public function __construct($crmUrl, $secret, $timeout = self::TIMEOUT_SECONDS)
    {
        $this->crmUrl = rtrim((string) $crmUrl, '/');
        $this->secret = (string) $secret;
        $this->timeout = (float) $timeout;
    }

    /** An http(s) address without query or fragment, such as https://crm.example.com or https://example.com/crm. */
    public static function isValidCrmUrl($url)
    {
        $parts = parse_url((string) $url);

        return is_array($parts)
            && isset($parts['scheme'], $parts['host'])
            && in_array(strtolower($parts['scheme']), array('http', 'https'), true)
            && !isset($parts['query'])
            && !isset($parts['fragment'])
            && !isset($parts['user']);
    }

    /** The URL of the request for these threads (exactly what is signed). */
    public function threadsUrl($email)
    {
        return $this->crmUrl . self::THREADS_PATH . '?' . http_build_query(array('email' => (string) $email), '', '&', PHP_QUERY_RFC3986);
    }

    /**
     * ['ok' => bool, 'error' => string, 'total' => int, 'customer_path' => string, 'threads' => [...]];
     * each thread: id, subject, status, pok, message_count, last_message_at (ISO 8601), last_message_local
     * ('Y-m-d H:i' in PHP's time zone, the shop's in PrestaShop), last_message, last_direction, path.
     */
    public function threadsFor($email, $now = null)
    {
        $url = $this->threadsUrl($email);
        $headers = CrmLinkToken::requestHeaders($this->secret, 'GET', $url, $now === null ? time() : $now);
        $response = $this->get($url, $headers);
        if ($response['error'] !== '') {
            return self::failure($response['error']);
        }
        $data = json_decode($response['body'], true);
        if ($response['status'] !== 200) {
            $detail = is_array($data) && isset($data['error']) ? ': ' . $data['error'] : '';

            return self::failure('HTTP ' . $response['status'] . $detail);
        }
        if (!is_array($data) || !isset($data['threads']) || !is_array($data['threads'])) {
            return self::failure('the answer is not the CRM\'s thread list');
        }

        $customerPath = isset($data['customer_path']) ? (string) $data['customer_path'] : '';

        return array(
            'ok' => true,
            'error' => '',
            'total' => isset($data['total']) ? (int) $data['total'] : count($data['threads']),
            'customer_path' => CrmLinkToken::isCrmPath($customerPath) ? $customerPath : '',
            'threads' => array_values(array_map(array('CrmLinkClient', 'thread'), array_filter($data['threads'], 'is_array'))),
        );
    }

    private function get($url, array $headers)
    {
        $lines = array('Accept: application/json');
        foreach ($headers as $name => $value) {
            $lines[] = $name . ': ' . $value;
        }
        $context = stream_context_create(array(
            'http' => array(
                'method' => 'GET',
                'header' => implode("\r\n", $lines),
                'timeout' => $this->timeout,
                'ignore_errors' => true,
                'follow_location' => 0,
            ),
        ));
        $body = @file_get_contents($url, false, $context, 0, self::MAX_RESPONSE_BYTES);
        $status = isset($http_response_header) ? self::status($http_response_header) : 0;
        if ($body === false || $status === 0) {
            $error = error_get_last();

            return array('error' => 'no answer from ' . $this->crmUrl . ($error ? ' (' . $error['message'] . ')' : ''), 'status' => 0, 'body' => '');
        }

        return array('error' => '', 'status' => $status, 'body' => $body);
    }

    private static function status(array $responseHeaders)
    {
        // The last status line counts (after any 100 Continue).
        $status = 0;
        foreach ($responseHeaders as $line) {
            if (preg_match('#^HTTP/\S+\s+(\d{3})#', $line, $match)) {
                $status = (int) $match[1];
            }
        }

        return $status;
    }

    private static function thread(array $row)
    {
        $text = array();
        foreach (array('id', 'subject', 'status', 'pok', 'last_message_at', 'last_message', 'last_direction', 'path') as $key) {
            $text[$key] = isset($row[$key]) && is_scalar($row[$key]) ? (string) $row[$key] : '';
        }
        $time = $text['last_message_at'] !== '' ? strtotime($text['last_message_at']) : false;
        $text['last_message_local'] = $time === false ? '' : date('Y-m-d H:i', $time);
        $text['message_count'] = isset($row['message_count']) ? (int) $row['message_count'] : 0;
        if (!CrmLinkToken::isCrmPath($text['path'])) {
            $text['path'] = '';
        }

        return $text;
    }

    private static function failure($error)
    {
        return array('ok' => false, 'error' => $error, 'total' => 0, 'customer_path' => '', 'threads' => array());
    }
}
