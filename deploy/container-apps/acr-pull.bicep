// AcrPull for the job's identity on the registry its image comes from (deployed by job.bicep into the
// registry's resource group, before the job: the job pulls its image with this identity).

@description('Name of the existing Azure Container Registry.')
param registryName string

@description('Principal (object) id of the job identity.')
param principalId string

// Built-in role: AcrPull.
var acrPull = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '7f951dda-4ed3-4680-a7ca-43fe172d538d')

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: registryName
}

resource pull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: registry
  name: guid(registry.id, principalId, acrPull)
  properties: {
    roleDefinitionId: acrPull
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
