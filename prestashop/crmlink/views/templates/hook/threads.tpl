{**
 * The customer's CRM threads on the order and customer pages (hooks displayAdminOrder, displayAdminCustomers).
 * "panel" styles the legacy pages (1.7.0-1.7.6), "card" the Symfony ones (1.7.7+, 8).
 *
 * @license AGPL-3.0-or-later
 *}
<div class="panel card crmlink-panel">
  <div class="panel-heading card-header">
    {l s='CRM threads' mod='crmlink'}
    {if $crmlink_customer_url}
      <a class="btn btn-default btn-outline-secondary btn-sm pull-right float-right" href="{$crmlink_customer_url|escape:'html':'UTF-8'}" target="_blank" rel="noopener">{l s='Customer card in the CRM' mod='crmlink'}</a>
    {/if}
  </div>
  <div class="card-body">
    {if !$crmlink_configured}
      <p class="alert alert-info">{l s='Set the CRM address and the shared secret in the module configuration to see the threads of the customer here.' mod='crmlink'}
        <a href="{$crmlink_configure_url|escape:'html':'UTF-8'}">{l s='Configure' mod='crmlink'}</a></p>
    {elseif $crmlink_error}
      <p class="alert alert-warning">{l s='The CRM did not give the threads:' mod='crmlink'} {$crmlink_error|escape:'html':'UTF-8'}</p>
    {elseif !$crmlink_threads}
      <p>{l s='No CRM threads with the e-mail address of this customer.' mod='crmlink'}</p>
    {else}
      <table class="table crmlink-threads">
        <thead>
          <tr>
            <th>{l s='Subject' mod='crmlink'}</th>
            <th>{l s='Status' mod='crmlink'}</th>
            <th>{l s='Last message' mod='crmlink'}</th>
          </tr>
        </thead>
        <tbody>
          {foreach from=$crmlink_threads item=thread}
            <tr>
              <td>
                {if $thread.url}<a href="{$thread.url|escape:'html':'UTF-8'}" target="_blank" rel="noopener">{/if}#{$thread.id|escape:'html':'UTF-8'} {$thread.subject|escape:'html':'UTF-8'}{if $thread.url}</a>{/if}
                <br><small class="text-muted">{$thread.pok|escape:'html':'UTF-8'}</small>
              </td>
              <td><span class="badge crmlink-status-{$thread.status|escape:'html':'UTF-8'}">{$thread.status_label|escape:'html':'UTF-8'}</span></td>
              <td>
                {$thread.last_message_local|escape:'html':'UTF-8'}
                {if $thread.last_direction == 'out'}<small>{l s='(our reply)' mod='crmlink'}</small>{/if}
                <br><small class="text-muted">{$thread.last_message|escape:'html':'UTF-8'}</small>
              </td>
            </tr>
          {/foreach}
        </tbody>
      </table>
      {if $crmlink_more > 0}
        <p class="text-muted">{l s='%d older threads in the CRM.' sprintf=[$crmlink_more] mod='crmlink'}</p>
      {/if}
    {/if}
  </div>
</div>
