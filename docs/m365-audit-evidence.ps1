#Requires -Version 5.1
#Requires -Modules ExchangeOnlineManagement
<#
.SYNOPSIS
  Capture Microsoft 365 audit evidence for keyhygiene's m365 provider, with read-only cmdlets only.

.DESCRIPTION
  Unified audit log ingestion, organization-wide mailbox auditing and the MailItemsAccessed action
  per mailbox are readable only through Exchange Online PowerShell, not Microsoft Graph. This script
  runs three read-only cmdlets (Get-AdminAuditLogConfig, Get-OrganizationConfig, Get-EXOMailbox with
  the Audit property set) and writes their output, the tenant id and the capture time as one JSON
  file. It changes nothing. The audit identity needs the View-Only Audit Logs and View-Only
  Recipients roles (e.g. the View-Only Organization Management role group).

  keyhygiene reports each file's capture time; a file older than providers.m365.maxAgeDays
  (default 30) is a collection gap, never a pass. Capture again before each audit.

.PARAMETER OutFile
  Where to write the evidence, e.g. m365-audit.json (one file per tenant).

.PARAMETER Organization
  The tenant's primary domain (contoso.onmicrosoft.com) when not connected yet.

.EXAMPLE
  Connect-ExchangeOnline -ShowBanner:$false
  ./m365-audit-evidence.ps1 -OutFile m365-audit.json
#>
[CmdletBinding()]
param(
  [Parameter(Mandatory = $true)][string]$OutFile,
  [string]$Organization
)
$ErrorActionPreference = 'Stop'

$connection = Get-ConnectionInformation | Where-Object { $_.State -eq 'Connected' } | Select-Object -First 1
if (-not $connection) {
  $connect = @{ ShowBanner = $false }
  if ($Organization) { $connect.Organization = $Organization }
  Connect-ExchangeOnline @connect
  $connection = Get-ConnectionInformation | Where-Object { $_.State -eq 'Connected' } | Select-Object -First 1
}

# Multi-valued Exchange properties become plain string arrays, so the JSON has one shape.
function ConvertTo-Strings($values) { return ,@($values | ForEach-Object { "$_" }) }

$capturedAt = (Get-Date).ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ')
$adminAudit = Get-AdminAuditLogConfig
$organizationConfig = Get-OrganizationConfig
$mailboxes = Get-EXOMailbox -ResultSize Unlimited -PropertySets Minimum, Audit | ForEach-Object {
  [ordered]@{
    Identity             = "$($_.ExternalDirectoryObjectId)"
    RecipientTypeDetails = "$($_.RecipientTypeDetails)"
    AuditEnabled         = [bool]$_.AuditEnabled
    AuditLogAgeLimit     = "$($_.AuditLogAgeLimit)"
    AuditOwner           = ConvertTo-Strings $_.AuditOwner
    AuditDelegate        = ConvertTo-Strings $_.AuditDelegate
    AuditAdmin           = ConvertTo-Strings $_.AuditAdmin
    DefaultAuditSet      = ConvertTo-Strings $_.DefaultAuditSet
  }
}

$evidence = [ordered]@{
  kind                = 'keyhygiene-m365-audit-evidence'
  version             = 1
  capturedAt          = $capturedAt
  tenantId            = "$($connection.TenantID)"
  organization        = "$($organizationConfig.Name)"
  adminAuditLogConfig = [ordered]@{
    UnifiedAuditLogIngestionEnabled = [bool]$adminAudit.UnifiedAuditLogIngestionEnabled
    AdminAuditLogEnabled            = [bool]$adminAudit.AdminAuditLogEnabled
  }
  organizationConfig  = [ordered]@{ AuditDisabled = [bool]$organizationConfig.AuditDisabled }
  mailboxes           = @($mailboxes)
}

$evidence | ConvertTo-Json -Depth 6 | Set-Content -Path $OutFile -Encoding utf8
Write-Host "wrote $OutFile (tenant $($evidence.tenantId), $(@($mailboxes).Count) mailboxes, captured $capturedAt)"
