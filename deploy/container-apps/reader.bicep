// Reader for the job's identity on one subscription it scans (deployed by job.bicep at that
// subscription's scope, before the job's first run). For a management group, assign Reader there
// instead (see deploy/README.md): a resource-group deployment cannot reach that scope.
targetScope = 'subscription'

@description('Principal (object) id of the job identity.')
param principalId string

// Built-in role: Reader.
var reader = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'acdd72a7-3385-48ef-bd42-f606fba81ae7')

resource read 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, principalId, reader)
  properties: {
    roleDefinitionId: reader
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
