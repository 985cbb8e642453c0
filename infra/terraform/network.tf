# ha (docs/decisions/0032): a VPC whose functions reach PostgreSQL (through RDS Proxy) directly and
# AWS through VPC endpoints (S3 gateway; SQS, Secrets Manager, SES SMTP and Textract interface
# endpoints). Only the webhooks deliverer reaches the internet: it alone runs in the egress subnets,
# routed through one NAT gateway in one public subnet (the end of this file; docs/deploy.md says
# what it costs). Every other function's subnets have no route out at all.
# lean: the functions run outside the VPC; the VPC only holds the database's public, TLS-only endpoint.

resource "aws_vpc" "main" {
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true # needed for the interface endpoints' private DNS names

  tags = { Name = local.name }
}

resource "aws_subnet" "private" {
  count = length(local.azs)

  vpc_id                  = aws_vpc.main.id
  availability_zone       = local.azs[count.index]
  cidr_block              = cidrsubnet(var.vpc_cidr, 4, count.index)
  map_public_ip_on_launch = false

  tags = { Name = "${local.name}-private-${local.azs[count.index]}", Tier = "private" }
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
  tags   = { Name = "${local.name}-private" }
}

resource "aws_route_table_association" "private" {
  count = length(local.azs)

  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private.id
}

# Nothing may use the default security group.
resource "aws_default_security_group" "default" {
  vpc_id = aws_vpc.main.id
}

# --- flow logs --------------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "flow_logs" {
  name              = "/billflow/${var.environment}/vpc-flow-logs"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.main.arn
}

data "aws_iam_policy_document" "flow_logs_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["vpc-flow-logs.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "flow_logs" {
  name               = "${local.name}-vpc-flow-logs"
  assume_role_policy = data.aws_iam_policy_document.flow_logs_assume.json
}

data "aws_iam_policy_document" "flow_logs" {
  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    resources = ["${aws_cloudwatch_log_group.flow_logs.arn}:*"]
  }
}

resource "aws_iam_role_policy" "flow_logs" {
  name   = "write-flow-logs"
  role   = aws_iam_role.flow_logs.id
  policy = data.aws_iam_policy_document.flow_logs.json
}

resource "aws_flow_log" "main" {
  vpc_id               = aws_vpc.main.id
  traffic_type         = "REJECT" # what was refused is what needs looking at; ACCEPT would cost more
  log_destination_type = "cloud-watch-logs"
  log_destination      = aws_cloudwatch_log_group.flow_logs.arn
  iam_role_arn         = aws_iam_role.flow_logs.arn
}

# --- security groups --------------------------------------------------------------------------

resource "aws_security_group" "functions" {
  count = local.ha ? 1 : 0

  name        = "${local.name}-functions"
  description = "Billflow functions: out to RDS Proxy, the VPC endpoints and S3 only"
  vpc_id      = aws_vpc.main.id
}

resource "aws_security_group" "endpoints" {
  count = local.ha ? 1 : 0

  name = "${local.name}-endpoints"
  # The description predates the Textract endpoint; changing it would replace the group.
  description = "Interface VPC endpoints (SQS, Secrets Manager, SES SMTP): in from the functions only"
  vpc_id      = aws_vpc.main.id
}

resource "aws_security_group" "proxy" {
  count = local.ha ? 1 : 0

  #checkov:skip=CKV2_AWS_5:Attached to aws_db_proxy.main (vpc_security_group_ids); this checkov version does not follow aws_db_proxy references.
  name        = "${local.name}-rds-proxy"
  description = "RDS Proxy: in from the functions, out to the database"
  vpc_id      = aws_vpc.main.id
}

resource "aws_security_group" "database" {
  count = local.ha ? 1 : 0

  name        = "${local.name}-database"
  description = "PostgreSQL: in from RDS Proxy only"
  vpc_id      = aws_vpc.main.id
}

resource "aws_vpc_security_group_egress_rule" "functions_to_proxy" {
  count = local.ha ? 1 : 0

  security_group_id            = aws_security_group.functions[0].id
  description                  = "PostgreSQL through RDS Proxy"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.proxy[0].id
}

resource "aws_vpc_security_group_egress_rule" "functions_to_endpoints_https" {
  count = local.ha ? 1 : 0

  security_group_id            = aws_security_group.functions[0].id
  description                  = "HTTPS to the SQS, Secrets Manager and Textract endpoints"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.endpoints[0].id
}

resource "aws_vpc_security_group_egress_rule" "functions_to_endpoints_smtp" {
  count = local.ha ? 1 : 0

  security_group_id            = aws_security_group.functions[0].id
  description                  = "SMTP submission (STARTTLS) to the SES SMTP endpoint"
  ip_protocol                  = "tcp"
  from_port                    = 587
  to_port                      = 587
  referenced_security_group_id = aws_security_group.endpoints[0].id
}

resource "aws_vpc_security_group_egress_rule" "functions_to_s3" {
  security_group_id = aws_security_group.functions[0].id
  description       = "HTTPS to S3 through the gateway endpoint"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = aws_vpc_endpoint.s3.prefix_list_id
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_https_from_functions" {
  count = local.ha ? 1 : 0

  security_group_id            = aws_security_group.endpoints[0].id
  description                  = "HTTPS from the functions"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.functions[0].id
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_smtp_from_functions" {
  count = local.ha ? 1 : 0

  security_group_id            = aws_security_group.endpoints[0].id
  description                  = "SMTP submission from the functions"
  ip_protocol                  = "tcp"
  from_port                    = 587
  to_port                      = 587
  referenced_security_group_id = aws_security_group.functions[0].id
}

resource "aws_vpc_security_group_ingress_rule" "proxy_from_functions" {
  count = local.ha ? 1 : 0

  security_group_id            = aws_security_group.proxy[0].id
  description                  = "PostgreSQL from the functions"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.functions[0].id
}

resource "aws_vpc_security_group_egress_rule" "proxy_to_database" {
  count = local.ha ? 1 : 0

  security_group_id            = aws_security_group.proxy[0].id
  description                  = "PostgreSQL to the database instance"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.database[0].id
}

resource "aws_vpc_security_group_egress_rule" "proxy_to_secrets" {
  count = local.ha ? 1 : 0

  security_group_id            = aws_security_group.proxy[0].id
  description                  = "HTTPS to the Secrets Manager endpoint (the proxy reads the database credentials)"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.endpoints[0].id
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_https_from_proxy" {
  count = local.ha ? 1 : 0

  security_group_id            = aws_security_group.endpoints[0].id
  description                  = "HTTPS from RDS Proxy"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.proxy[0].id
}

resource "aws_vpc_security_group_ingress_rule" "database_from_proxy" {
  count = local.ha ? 1 : 0

  security_group_id            = aws_security_group.database[0].id
  description                  = "PostgreSQL from RDS Proxy"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.proxy[0].id
}

# --- VPC endpoints ----------------------------------------------------------------------------

resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.${var.region}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.private.id, aws_route_table.egress.id]

  tags = { Name = "${local.name}-s3" }
}

locals {
  # sqs: the outbox relay and queue URL lookups; secretsmanager: secrets at cold start (functions)
  # and the database credentials (RDS Proxy); email-smtp: the emailer's SES SMTP connection;
  # textract: the extractor's AnalyzeExpense calls (BILLFLOW_DOCUMENT_READER=textract).
  interface_endpoints = toset(["sqs", "secretsmanager", "email-smtp", "textract"])
}

resource "aws_vpc_endpoint" "interface" {
  for_each = local.ha ? local.interface_endpoints : toset([])

  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.${var.region}.${each.key}"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = aws_subnet.private[*].id
  security_group_ids  = [aws_security_group.endpoints[0].id]
  private_dns_enabled = true # the services' public names resolve to the endpoint inside the VPC

  tags = { Name = "${local.name}-${each.key}" }
}

# --- lean: the database's public, TLS-only endpoint ---------------------------------------------
# The functions run outside the VPC (no interface endpoint or NAT gateway billed by the hour), so
# the Aurora cluster is publicly accessible in public subnets: TLS is forced (rds.force_ssl), the
# password is RDS-managed in Secrets Manager, and nothing else is in these subnets.

resource "aws_internet_gateway" "lean" {
  count = local.lean ? 1 : 0

  vpc_id = aws_vpc.main.id
  tags   = { Name = "${local.name}-lean" }
}

resource "aws_subnet" "public" {
  count = local.lean ? length(local.azs) : 0

  vpc_id                  = aws_vpc.main.id
  availability_zone       = local.azs[count.index]
  cidr_block              = cidrsubnet(var.vpc_cidr, 4, 8 + count.index)
  map_public_ip_on_launch = false # only the database's endpoint is public, by its own setting

  tags = { Name = "${local.name}-public-${local.azs[count.index]}", Tier = "public" }
}

resource "aws_route_table" "public" {
  count = local.lean ? 1 : 0

  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.lean[0].id
  }
  tags = { Name = "${local.name}-public" }
}

resource "aws_route_table_association" "public" {
  count = local.lean ? length(local.azs) : 0

  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public[0].id
}

resource "aws_security_group" "lean_database" {
  #checkov:skip=CKV_AWS_382:Egress is limited to the VPC's own range; the database initiates nothing outside it.
  count = local.lean ? 1 : 0

  name        = "${local.name}-lean-database"
  description = "Aurora Serverless v2 (lean): PostgreSQL over TLS from the functions, which run outside the VPC"
  vpc_id      = aws_vpc.main.id

  ingress {
    #checkov:skip=CKV_AWS_260:Not port 80: PostgreSQL; Lambda outside a VPC has no fixed addresses, so TLS and the managed password guard it.
    description = "PostgreSQL (TLS only) from the functions, which run outside the VPC and have no fixed addresses"
    protocol    = "tcp"
    from_port   = 5432
    to_port     = 5432
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    description = "Within the VPC only"
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = [var.vpc_cidr]
  }
}

# --- ha: internet egress for the webhooks deliverer only ------------------------------------------
# Customers' webhook endpoints are on the internet, and the deliverer also needs the database.
# One NAT gateway, in the first AZ: the deliverer retries for 24 hours, so an AZ outage delays
# webhooks rather than losing them, and a second NAT would double the fixed cost.

resource "aws_internet_gateway" "main" {
  count = local.ha ? 1 : 0

  vpc_id = aws_vpc.main.id
  tags   = { Name = local.name }
}

resource "aws_subnet" "nat" {
  count = local.ha ? 1 : 0

  vpc_id                  = aws_vpc.main.id
  availability_zone       = local.azs[0]
  cidr_block              = cidrsubnet(var.vpc_cidr, 4, 15)
  map_public_ip_on_launch = false # only the NAT gateway lives here, with its own Elastic IP

  tags = { Name = "${local.name}-public-${local.azs[0]}", Tier = "public" }
}

resource "aws_route_table" "nat" {
  count = local.ha ? 1 : 0

  vpc_id = aws_vpc.main.id
  tags   = { Name = "${local.name}-public" }
}

resource "aws_route" "nat_to_internet" {
  count = local.ha ? 1 : 0

  route_table_id         = aws_route_table.nat[0].id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.main[0].id
}

resource "aws_route_table_association" "nat" {
  count = local.ha ? 1 : 0

  subnet_id      = aws_subnet.nat[0].id
  route_table_id = aws_route_table.nat[0].id
}

resource "aws_eip" "nat" {
  count = local.ha ? 1 : 0

  domain = "vpc"
  tags   = { Name = "${local.name}-nat" }
}

resource "aws_nat_gateway" "main" {
  count = local.ha ? 1 : 0

  allocation_id = aws_eip.nat[0].id
  subnet_id     = aws_subnet.nat[0].id
  tags          = { Name = local.name }

  depends_on = [aws_internet_gateway.main]
}

resource "aws_subnet" "egress" {
  count = local.ha ? length(local.azs) : 0

  vpc_id                  = aws_vpc.main.id
  availability_zone       = local.azs[count.index]
  cidr_block              = cidrsubnet(var.vpc_cidr, 4, 8 + count.index)
  map_public_ip_on_launch = false

  tags = { Name = "${local.name}-egress-${local.azs[count.index]}", Tier = "egress" }
}

resource "aws_route_table" "egress" {
  count = local.ha ? 1 : 0

  vpc_id = aws_vpc.main.id
  tags   = { Name = "${local.name}-egress" }
}

resource "aws_route" "egress_to_nat" {
  count = local.ha ? 1 : 0

  route_table_id         = aws_route_table.egress[0].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.main[0].id
}

resource "aws_route_table_association" "egress" {
  count = local.ha ? length(local.azs) : 0

  subnet_id      = aws_subnet.egress[count.index].id
  route_table_id = aws_route_table.egress[0].id
}

# Added to the deliverer beside the functions' group: HTTPS out to anywhere. Private addresses
# are refused by the code before connecting (billflow.domain.webhooks.refused_address), and the
# database and endpoints admit the functions' group only, so this opens the internet and nothing
# else. Port 443 only: in AWS an endpoint is https on its default port.
resource "aws_security_group" "webhooks_egress" {
  count = local.ha ? 1 : 0

  name        = "${local.name}-webhooks-egress"
  description = "Billflow webhooks deliverer: HTTPS out to customers' endpoints"
  vpc_id      = aws_vpc.main.id
}

resource "aws_vpc_security_group_egress_rule" "webhooks_to_internet_https" {
  count = local.ha ? 1 : 0

  security_group_id = aws_security_group.webhooks_egress[0].id
  description       = "HTTPS to webhook endpoints on the internet (through the NAT gateway)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}
