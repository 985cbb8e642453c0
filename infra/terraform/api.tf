# The public edge: an API Gateway HTTP API in front of the API function, with a Cognito user pool
# JWT authorizer on the /v1 routes, stage-wide throttling, JSON access logs and CORS from variables.

locals {
  cognito_authorizer = var.api_authorizer == "cognito"
}

# --- Cognito ----------------------------------------------------------------------------------

resource "aws_cognito_user_pool" "main" {
  name                     = local.name
  username_attributes      = ["email"]
  auto_verified_attributes = ["email"]
  deletion_protection      = "ACTIVE"
  mfa_configuration        = "OPTIONAL"

  # People are invited by an administrator; nobody signs themselves up to a company's billing.
  admin_create_user_config {
    allow_admin_create_user_only = true
  }

  software_token_mfa_configuration {
    enabled = true
  }

  password_policy {
    minimum_length                   = 12
    require_lowercase                = true
    require_uppercase                = true
    require_numbers                  = true
    require_symbols                  = false
    temporary_password_validity_days = 3
  }

  account_recovery_setting {
    recovery_mechanism {
      name     = "verified_email"
      priority = 1
    }
  }
}

# Billflow's roles (billflow.domain.model.Role) as groups: the access token's cognito:groups claim.
resource "aws_cognito_user_group" "role" {
  for_each = toset(["admin", "accountant", "viewer", "employee"])

  user_pool_id = aws_cognito_user_pool.main.id
  name         = each.key
  description  = "Billflow role ${each.key}"
}

resource "aws_cognito_user_pool_client" "api" {
  name            = "${local.name}-api"
  user_pool_id    = aws_cognito_user_pool.main.id
  generate_secret = false # a public client: browser or CLI

  # SRP for applications; USER_PASSWORD_AUTH so `aws cognito-idp initiate-auth` works from a
  # terminal (docs/deploy.md). Drop it once a front end does SRP.
  explicit_auth_flows = [
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
  ]
  prevent_user_existence_errors = "ENABLED"
  enable_token_revocation       = true

  access_token_validity  = 60
  id_token_validity      = 60
  refresh_token_validity = 30
  token_validity_units {
    access_token  = "minutes"
    id_token      = "minutes"
    refresh_token = "days"
  }
}

# --- HTTP API ---------------------------------------------------------------------------------

resource "aws_apigatewayv2_api" "main" {
  name          = local.name
  protocol_type = "HTTP"
  description   = "Billflow REST API"

  dynamic "cors_configuration" {
    for_each = length(var.cors.allow_origins) > 0 ? [var.cors] : []
    content {
      allow_origins     = cors_configuration.value.allow_origins
      allow_methods     = cors_configuration.value.allow_methods
      allow_headers     = cors_configuration.value.allow_headers
      expose_headers    = cors_configuration.value.expose_headers
      max_age           = cors_configuration.value.max_age_seconds
      allow_credentials = cors_configuration.value.allow_credentials
    }
  }
}

resource "aws_apigatewayv2_integration" "api" {
  api_id                 = aws_apigatewayv2_api.main.id
  integration_type       = "AWS_PROXY"
  integration_uri        = module.api.invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = 30000
}

resource "aws_apigatewayv2_authorizer" "cognito" {
  count = local.cognito_authorizer ? 1 : 0

  api_id           = aws_apigatewayv2_api.main.id
  name             = "cognito"
  authorizer_type  = "JWT"
  identity_sources = ["$request.header.Authorization"]

  jwt_configuration {
    # Access tokens carry the app client's id in client_id, which API Gateway accepts as audience.
    audience = [aws_cognito_user_pool_client.api.id]
    issuer   = "https://${aws_cognito_user_pool.main.endpoint}"
  }
}

resource "aws_apigatewayv2_route" "v1" {
  #checkov:skip=CKV_AWS_309:Authorization is var.api_authorizer: a Cognito JWT by default; "app" hands it to the API's own bearer tokens on purpose.
  api_id             = aws_apigatewayv2_api.main.id
  route_key          = "ANY /v1/{proxy+}"
  target             = "integrations/${aws_apigatewayv2_integration.api.id}"
  authorization_type = local.cognito_authorizer ? "JWT" : "NONE"
  authorizer_id      = local.cognito_authorizer ? aws_apigatewayv2_authorizer.cognito[0].id : null
}

resource "aws_apigatewayv2_route" "login" {
  #checkov:skip=CKV_AWS_309:The login route exchanges credentials for a token; it cannot require one.
  api_id    = aws_apigatewayv2_api.main.id
  route_key = "POST /v1/auth/token"
  target    = "integrations/${aws_apigatewayv2_integration.api.id}"
}

resource "aws_apigatewayv2_route" "health" {
  #checkov:skip=CKV_AWS_309:Health probe for monitors: says only whether the database is reachable.
  api_id    = aws_apigatewayv2_api.main.id
  route_key = "GET /health"
  target    = "integrations/${aws_apigatewayv2_integration.api.id}"
}

resource "aws_cloudwatch_log_group" "api_access" {
  name              = "/billflow/${var.environment}/api-access"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.main.arn
}

resource "aws_apigatewayv2_stage" "default" {
  #checkov:skip=CKV2_AWS_51:Client certificates are for REST and WebSocket APIs' backends; an HTTP API stage cannot have one, and its backend is a Lambda integration.
  api_id      = aws_apigatewayv2_api.main.id
  name        = "$default"
  auto_deploy = true

  default_route_settings {
    throttling_rate_limit    = var.api_throttling.rate_limit
    throttling_burst_limit   = var.api_throttling.burst_limit
    detailed_metrics_enabled = true
  }

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api_access.arn
    # No headers, no query strings, no bodies: nothing personal in the access log.
    format = jsonencode({
      requestId          = "$context.requestId"
      requestTime        = "$context.requestTime"
      routeKey           = "$context.routeKey"
      status             = "$context.status"
      latencyMs          = "$context.responseLatency"
      integrationStatus  = "$context.integrationStatus"
      integrationError   = "$context.integrationErrorMessage"
      authorizerError    = "$context.authorizer.error"
      sourceIp           = "$context.identity.sourceIp"
      responseLength     = "$context.responseLength"
      protocol           = "$context.protocol"
      httpMethod         = "$context.httpMethod"
      principal          = "$context.authorizer.claims.sub"
    })
  }
}

resource "aws_lambda_permission" "api_gateway" {
  statement_id  = "AllowApiGatewayInvoke"
  action        = "lambda:InvokeFunction"
  function_name = module.api.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.main.execution_arn}/*/*"
}
