"""configure-aws-credentials stand-in: checks the inputs as the real action does, records which
route was asked for (OIDC role, keys, keys assuming a role) and exports the region. It exports no
credentials: there is no AWS here, and a rehearsal must not need any."""

import json
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, os.environ["REHEARSAL_STANDINS"])
from record import SECRET_INPUTS, record

inputs = json.loads(os.environ["INPUTS"])
region = inputs.get("aws-region", "")
role = inputs.get("role-to-assume", "")
key_id = inputs.get("aws-access-key-id", "")
errors = []
if not re.fullmatch(r"[a-z0-9-]+", region):
    errors.append(f"Region is not valid: {region}")
if key_id and not inputs.get("aws-secret-access-key"):
    errors.append("'aws-secret-access-key' must be provided if 'aws-access-key-id' is provided")
if not role and not key_id:
    # The real action falls back to the runner's ambient credentials; a GitHub runner has none.
    errors.append(
        "Credentials could not be loaded, please check your action inputs: "
        "Could not load credentials from any providers"
    )
route = "keys+role" if key_id and role else "keys" if key_id else "oidc" if role else None
for key in SECRET_INPUTS:
    if inputs.get(key):
        inputs[key] = "<set>"
record("configure-aws-credentials", inputs=inputs, route=route, errors=errors)
if errors:
    sys.exit("configure-aws-credentials stand-in: " + "; ".join(errors))
with Path(os.environ["GITHUB_ENV"]).open("a") as env:
    env.write(f"AWS_REGION={region}\nAWS_DEFAULT_REGION={region}\n")
print(f"configure-aws-credentials stand-in: {route} in {region} (no credentials exported)")
