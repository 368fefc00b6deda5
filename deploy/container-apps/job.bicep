// classic-scan as an Azure Container Apps scheduled job: one job per tenant, each with its own
// user-assigned managed identity and its own Azure Files share for reports and history.
//
//   az deployment group create -g rg-classic-scan -f deploy/container-apps/job.bicep \
//     -p tenantName=contoso environmentName=cae-classic-scan storageAccountName=stclassicscan \
//        image=myregistry.azurecr.io/classic-scan:0.1.0 registryName=myregistry registryResourceGroup=rg-acr \
//        readerSubscriptionIds='["<subscription id>"]' \
//        maskKeySecretUri=https://kv-classic-scan.vault.azure.net/secrets/mask-key-contoso \
//        vaultName=kv-classic-scan vaultResourceGroup=rg-classic-scan
//
// In this order, each step waiting for the one before (dependsOn):
//   1. the identity;
//   2. its role assignments: AcrPull on the registry (the job pulls its image with it), Key Vault
//      Secrets User on the vault (the mask key), Reader on each subscription in readerSubscriptionIds
//      (for a management group assign Reader there by hand, see deploy/README.md);
//   3. the share and the job.
// Then upload the tenant's config to the share as scan.toml (az storage file upload ...): the job
// refuses to start a history on a share without it (a share that did not mount looks empty).
// A managed identity belongs to the environment's Entra tenant: for another tenant's subscriptions,
// delegate them with Azure Lighthouse, or run the job with that tenant's service principal
// (--auth env, its certificate from Key Vault) instead.

@description('Short tenant name: names the job, its identity, its share and storage.')
param tenantName string

@description('Existing Container Apps environment.')
param environmentName string

@description('Existing storage account that holds one file share per tenant.')
param storageAccountName string

@description('Container image built from the repository Dockerfile.')
param image string

@description('Azure Container Registry the image comes from (pulled with the job identity, AcrPull).')
param registryName string

@description('Resource group of the registry.')
param registryResourceGroup string = resourceGroup().name

@description('Subscriptions the job scans: the identity gets Reader on each.')
param readerSubscriptionIds array = []

@description('Cron expression, UTC.')
param cronExpression string = '17 3 * * 1-5'

@description('Key Vault secret holding CLASSIC_SCAN_MASK_KEY (openssl rand -hex 32), versionless URI.')
param maskKeySecretUri string

@description('Key vault of that secret (Azure RBAC authorization).')
param vaultName string

@description('Resource group of the key vault.')
param vaultResourceGroup string = resourceGroup().name

param location string = resourceGroup().location

var name = 'classic-scan-${tenantName}'
var shareName = name

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' existing = {
  name: environmentName
}

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource share 'Microsoft.Storage/storageAccounts/fileServices/shares@2023-05-01' = {
  name: '${storageAccountName}/default/${shareName}'
  properties: {
    shareQuota: 100
  }
}

// SMB share registered on the environment; the job mounts it at /reports.
resource storage 'Microsoft.App/managedEnvironments/storages@2024-03-01' = {
  parent: environment
  name: name
  properties: {
    azureFile: {
      accountName: account.name
      accountKey: account.listKeys().keys[0].value
      shareName: shareName
      accessMode: 'ReadWrite'
    }
  }
  dependsOn: [share]
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${name}'
  location: location
}

module acrPull 'acr-pull.bicep' = {
  name: '${name}-acrpull'
  scope: resourceGroup(registryResourceGroup)
  params: {
    registryName: registryName
    principalId: identity.properties.principalId
  }
}

module maskKeyReader 'vault-secret-user.bicep' = {
  name: '${name}-maskkey'
  scope: resourceGroup(vaultResourceGroup)
  params: {
    vaultName: vaultName
    principalId: identity.properties.principalId
  }
}

module reader 'reader.bicep' = [
  for subscriptionId in readerSubscriptionIds: {
    name: '${name}-reader-${uniqueString(subscriptionId)}'
    scope: subscription(subscriptionId)
    params: {
      principalId: identity.properties.principalId
    }
  }
]

// SQLite needs byte-range locks an SMB share does not reliably give: the history database is copied
// to local disk for the scan and copied back after it. `set -eu`: a failed copy stops the job before
// the scan, so a fresh database can never replace the real history. The last line says what the
// exit code means (the portal shows only "Failed"); the exit code is the scan's.
var script = '''
set -eu
dir=/reports
history=/tmp/history.sqlite
if [ ! -f "$dir/scan.toml" ]; then
  echo "classic-scan: exit code 2: no $dir/scan.toml: upload the tenant's config to the share (is it mounted?)" >&2
  exit 2
fi
mkdir -p "$dir/runs"
if [ -f "$dir/history.sqlite" ]; then cp "$dir/history.sqlite" "$history"; fi
out="$dir/runs/$(date -u +%Y-%m-%dT%H%M%SZ)"
code=0
classic-scan scan --config "$dir/scan.toml" --auth msi --out "$out" --history "$history" || code=$?
case $code in
  0) meaning="done" ;;
  3) meaning="findings at or above fail_on" ;;
  4) meaning="scan incomplete: a scope or dataset could not be read (run the job again)" ;;
  2) meaning="usage error or unreadable input" ;;
  *) meaning="unexpected error" ;;
esac
case $code in
  0|3|4)
    cp "$history" "$dir/history.sqlite.new"
    mv "$dir/history.sqlite.new" "$dir/history.sqlite"
    ;;
esac
if [ -f "$out/summary.md" ]; then cat "$out/summary.md"; fi
echo "classic-scan: exit code $code: $meaning; report in $out"
exit "$code"
'''

resource job 'Microsoft.App/jobs@2024-03-01' = {
  name: name
  location: location
  dependsOn: [acrPull, maskKeyReader, reader]
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    environmentId: environment.id
    configuration: {
      triggerType: 'Schedule'
      scheduleTriggerConfig: {
        cronExpression: cronExpression
        parallelism: 1
        replicaCompletionCount: 1
      }
      replicaTimeout: 14400
      replicaRetryLimit: 0 // 3 (findings) and 2 (usage) would fail again; rerun 4 (incomplete) by hand
      registries: [
        {
          server: '${registryName}${az.environment().suffixes.acrLoginServer}'
          identity: identity.id
        }
      ]
      secrets: [
        {
          name: 'mask-key'
          keyVaultUrl: maskKeySecretUri
          identity: identity.id
        }
      ]
    }
    template: {
      containers: [
        {
          name: 'classic-scan'
          image: image
          command: ['/bin/sh', '-c']
          args: [script]
          env: [
            {
              name: 'AZURE_CLIENT_ID' // --auth msi uses this user-assigned identity
              value: identity.properties.clientId
            }
            {
              name: 'CLASSIC_SCAN_MASK_KEY' // read when the config says mask = true
              secretRef: 'mask-key'
            }
          ]
          // About 1.2 GB for 100k resources (README, Memory); the scan's budget is 80 % of this.
          resources: {
            cpu: json('1.0')
            memory: '2Gi'
          }
          volumeMounts: [
            {
              volumeName: 'reports'
              mountPath: '/reports'
            }
          ]
        }
      ]
      volumes: [
        {
          name: 'reports'
          storageType: 'AzureFile'
          storageName: storage.name
          mountOptions: 'uid=10001,gid=10001,dir_mode=0750,file_mode=0640'
        }
      ]
    }
  }
}

output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
output shareName string = shareName
