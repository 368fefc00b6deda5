// Key Vault Secrets User for the job's identity on the vault that holds the mask key (deployed by
// job.bicep into the vault's resource group, before the job reads the secret). The vault uses Azure
// RBAC authorization (enableRbacAuthorization: true).

@description('Name of the existing key vault.')
param vaultName string

@description('Principal (object) id of the job identity.')
param principalId string

// Built-in role: Key Vault Secrets User.
var secretsUser = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: vaultName
}

resource read 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, principalId, secretsUser)
  properties: {
    roleDefinitionId: secretsUser
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
