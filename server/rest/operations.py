"""The GraphQL twin of each REST route: one named operation each, so metrics and access logs show
which old route was called ("Rest..." operations)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Operation:
    name: str
    document: str


USER_ERRORS = "userErrors { field message code }"

REGISTER_FEATURE_VIEW = Operation(
    "RestRegisterFeatureView",
    f"""
mutation RestRegisterFeatureView($input: RegisterFeatureViewInput!) {{
  registerFeatureView(input: $input) {{
    change
    featureView {{ name online createdAt entities {{ name }} features {{ name }} source {{ table catalog }} }}
    {USER_ERRORS}
  }}
}}
""",
)

FEATURE_VIEWS = Operation(
    "RestFeatureViews",
    """
query RestFeatureViews($first: Int, $after: String) {
  featureViews(first: $first, after: $after) {
    edges { node { name online ttlSeconds createdAt entities { name } features { name dtype description } } }
    pageInfo { hasNextPage endCursor }
  }
}
""",
)

FEATURE_VIEW_NAMES = Operation(
    "RestFeatureViewNames",
    """
query RestFeatureViewNames($first: Int, $after: String) {
  featureViews(first: $first, after: $after) {
    edges { node { name } }
    pageInfo { hasNextPage endCursor }
  }
}
""",
)

FEATURE_STORE = Operation(
    "RestFeatureStore",
    """
query RestFeatureStore {
  featureStore { registryType onlineStoreType offlineStoreType featureViews entities featureServices }
  entities { name }
}
""",
)

CREATE_FEATURE_SERVICE = Operation(
    "RestCreateFeatureService",
    f"""
mutation RestCreateFeatureService($input: CreateFeatureServiceInput!) {{
  createFeatureService(input: $input) {{
    change
    featureService {{ name createdAt featureViews {{ name featureNames }} }}
    {USER_ERRORS}
  }}
}}
""",
)

PLATFORM_STATUS = Operation(
    "RestPlatformStatus",
    """
query RestPlatformStatus {
  platformStatus { mlflowAvailable feastAvailable registeredModels activeExperiments featureViews timestamp }
}
""",
)

# A job's error text and logs are for its submitter, trainers and admins: $output asks for them.
JOB_FIELDS = """
fragment RestJobFields on TrainingJob {
  id status scriptName experimentName modelName runId error @include(if: $output) submittedAt startedAt finishedAt
  modelVersion { version }
}
"""

SUBMIT_TRAINING_JOB = Operation(
    "RestSubmitTrainingJob",
    f"""
mutation RestSubmitTrainingJob($input: SubmitTrainingJobInput!, $output: Boolean! = true) {{
  submitTrainingJob(input: $input) {{ job {{ ...RestJobFields }} {USER_ERRORS} }}
}}
{JOB_FIELDS}
""",
)

TRAINING_JOB = Operation(
    "RestTrainingJob",
    f"""
query RestTrainingJob($id: ID!, $logLines: Int!, $output: Boolean!) {{
  trainingJob(id: $id) {{ ...RestJobFields logs(limit: $logLines) @include(if: $output) {{ text }} }}
}}
{JOB_FIELDS}
""",
)

PREDICT = Operation(
    "RestPredict",
    f"""
mutation RestPredict($input: PredictInput!) {{
  predict(input: $input) {{ predictions missingFeatures modelVersion {{ model version }} {USER_ERRORS} }}
}}
""",
)
