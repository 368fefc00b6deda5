// classic-scan as an Azure Container Apps scheduled job: one job per tenant, each with its own
// user-assigned managed identity and its own Azure Files share for reports and history.
//
//   az deployment group create -g rg-classic-scan -f deploy/container-apps/job.bicep \
//     -p tenantName=contoso environmentName=cae-classic-scan storageAccountName=stclassicscan \
//        image=myregistry.azurecr.io/classic-scan:0.1.0 registryServer=myregistry.azurecr.io
//
// Then, once per tenant (see deploy/README.md):
//   - give the identity (output principalId) Reader where it scans, e.g. the tenant root group:
//     az role assignment create --assignee-object-id <principalId> --assignee-principal-type ServicePrincipal \
//       --role Reader --scope /providers/Microsoft.Management/managementGroups/<tenant id>
//     and AcrPull on the registry;
//   - upload the tenant's config to the share as scan.toml (az storage file upload ...).
// A managed identity belongs to the environment's Entra tenant: for another tenant's subscriptions,
// delegate them with Azure Lighthouse, or run the job with that tenant's service principal
// (--auth env, credentials as secrets) instead.

@description('Short tenant name: names the job, its identity, its share and storage.')
param tenantName string

@description('Existing Container Apps environment.')
param environmentName string

@description('Existing storage account that holds one file share per tenant.')
param storageAccountName string

@description('Container image built from the repository Dockerfile.')
param image string

@description('Registry server pulled with the job identity (AcrPull), or empty for a public image.')
param registryServer string = ''

@description('Cron expression, UTC.')
param cronExpression string = '17 3 * * 1-5'

@description('CLASSIC_SCAN_MASK_KEY for configs with mask = true (empty: none).')
@secure()
param maskKey string = ''

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

// SQLite needs byte-range locks an SMB share does not reliably give: the history database is copied
// to local disk for the scan and copied back after it. The exit code is the scan's.
var script = '''
set -u
dir="/reports"
mkdir -p "$dir/runs"
history=/tmp/history.sqlite
if [ -f "$dir/history.sqlite" ]; then cp "$dir/history.sqlite" "$history"; fi
classic-scan scan --config "$dir/scan.toml" --auth msi \
  --out "$dir/runs/$(date -u +%Y-%m-%dT%H%M%SZ)" --history "$history"
code=$?
if [ -f "$history" ]; then
  cp "$history" "$dir/history.sqlite.new" && mv "$dir/history.sqlite.new" "$dir/history.sqlite"
fi
exit $code
'''

resource job 'Microsoft.App/jobs@2024-03-01' = {
  name: name
  location: location
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
      registries: empty(registryServer) ? [] : [
        {
          server: registryServer
          identity: identity.id
        }
      ]
      secrets: empty(maskKey) ? [] : [
        {
          name: 'mask-key'
          value: maskKey
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
          env: concat(
            [
              {
                name: 'AZURE_CLIENT_ID' // --auth msi uses this user-assigned identity
                value: identity.properties.clientId
              }
            ],
            empty(maskKey) ? [] : [
              {
                name: 'CLASSIC_SCAN_MASK_KEY'
                secretRef: 'mask-key'
              }
            ]
          )
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
