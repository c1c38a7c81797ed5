//! Ready-to-paste usage examples for a saved connection. None of them contains a secret: each
//! reads it from an environment variable (or asks for it) instead. Every value in them is
//! quoted for its language ([`quote`]), so a value from a preset or a custom cloud is only ever
//! data in the code a person pastes.

mod quote;

use crate::cloud::{Cloud, CloudId};
use crate::goal::Method;
use crate::wizard::Draft;
use serde::Serialize;

/// One example.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Snippet {
    /// Stable ID: `powershell`, `python`, `curl`, `env`, `postman`.
    pub id: &'static str,
    /// Tab title.
    pub title: &'static str,
    /// The text to copy.
    pub text: String,
}

/// The name a secret is read from in every example.
pub const SECRET_VARIABLE: &str = "POWERBI_CLIENT_SECRET";

/// Every example for a draft (or a saved profile's draft).
pub fn for_draft(draft: &Draft, cloud: &Cloud) -> Vec<Snippet> {
    let tenant = draft.tenant.trim();
    let client = draft.client_id.trim();
    let method = draft.method.unwrap_or(Method::ClientSecret);
    let authority = format!("{}/{tenant}", cloud.authority_host.trim_end_matches('/'));
    let scope = cloud.powerbi_default_scope();
    let api = cloud.powerbi_api.trim_end_matches('/');
    let groups = format!("{api}/v1.0/myorg/groups");
    let environment = match cloud.id {
        CloudId::Gcc => "USGov",
        CloudId::GccHigh => "USGovHigh",
        CloudId::Dod => "USGovMil",
        CloudId::China => "China",
        _ => "Public",
    };
    let ps = quote::powershell;
    let powershell = match method {
        Method::ClientSecret => format!(
            "# Needs the MicrosoftPowerBIMgmt module: Install-Module MicrosoftPowerBIMgmt\n\
             $secret = ConvertTo-SecureString $env:{SECRET_VARIABLE} -AsPlainText -Force\n\
             $credential = New-Object System.Management.Automation.PSCredential({}, \
             $secret)\n\
             Connect-PowerBIServiceAccount -ServicePrincipal -Tenant {} \
             -Credential $credential -Environment {environment}\n\
             Invoke-PowerBIRestMethod -Url \"groups\" -Method Get",
            ps(client),
            ps(tenant),
        ),
        Method::Certificate => format!(
            "# The certificate must be in your certificate store (Cert:\\CurrentUser\\My).\n\
             Connect-PowerBIServiceAccount -ServicePrincipal -Tenant {} \
             -ApplicationId {} -CertificateThumbprint \"<thumbprint>\" \
             -Environment {environment}\n\
             Invoke-PowerBIRestMethod -Url \"groups\" -Method Get",
            ps(tenant),
            ps(client),
        ),
        _ => format!(
            "# Signs you in interactively.\n\
             Connect-PowerBIServiceAccount -Environment {environment}\n\
             Invoke-PowerBIRestMethod -Url \"groups\" -Method Get"
        ),
    };
    let (py_client, py_authority, py_scope, py_groups) = (
        quote::python(client),
        quote::python(&authority),
        quote::python(&scope),
        quote::python(&groups),
    );
    let python = match method {
        Method::ClientSecret => format!(
            "# pip install msal requests\nimport os, msal, requests\n\n\
             app = msal.ConfidentialClientApplication(\
             \n    {py_client},\
             \n    authority={py_authority},\
             \n    client_credential=os.environ[\"{SECRET_VARIABLE}\"],\
             \n)\n\
             token = app.acquire_token_for_client(scopes=[{py_scope}])\n\
             r = requests.get({py_groups}, \
             headers={{\"Authorization\": \"Bearer \" + token[\"access_token\"]}})\n\
             print(r.json())"
        ),
        Method::Certificate => format!(
            "# pip install msal requests\nimport msal, requests\n\n\
             app = msal.ConfidentialClientApplication(\
             \n    {py_client},\
             \n    authority={py_authority},\
             \n    client_credential={{\"private_key\": open(\"key.pem\").read(), \
             \"public_certificate\": open(\"cert.pem\").read()}},\
             \n)\n\
             token = app.acquire_token_for_client(scopes=[{py_scope}])\n\
             r = requests.get({py_groups}, \
             headers={{\"Authorization\": \"Bearer \" + token[\"access_token\"]}})\n\
             print(r.json())"
        ),
        _ => format!(
            "# pip install msal requests\nimport msal, requests\n\n\
             app = msal.PublicClientApplication({py_client}, authority={py_authority})\n\
             flow = app.initiate_device_flow(scopes=[{py_scope}])\n\
             print(flow[\"message\"])\n\
             token = app.acquire_token_by_device_flow(flow)\n\
             r = requests.get({py_groups}, \
             headers={{\"Authorization\": \"Bearer \" + token[\"access_token\"]}})\n\
             print(r.json())"
        ),
    };
    let token_url = format!("{authority}/oauth2/v2.0/token");
    let sh = quote::sh;
    let curl = match method {
        Method::ClientSecret => format!(
            "TOKEN=$(curl -s {} \\\
             \n  -d grant_type=client_credentials \\\
             \n  --data-urlencode {} \\\
             \n  --data-urlencode \"client_secret=${SECRET_VARIABLE}\" \\\
             \n  --data-urlencode {} | jq -r .access_token)\n\
             curl -s -H \"Authorization: Bearer $TOKEN\" {}",
            sh(&token_url),
            sh(&format!("client_id={client}")),
            sh(&format!("scope={scope}")),
            sh(&groups),
        ),
        _ => format!(
            "# Get a token with Keyway (keyway token --profile NAME --print-token) or MSAL, then:\n\
             curl -s -H \"Authorization: Bearer $TOKEN\" {}",
            sh(&groups),
        ),
    };
    let mut env = String::new();
    let workspace = draft.workspace.as_deref().filter(|w| !w.is_empty());
    let env_values = [
        ("POWERBI_TENANT_ID", Some(tenant)),
        ("POWERBI_CLIENT_ID", Some(client)),
        ("POWERBI_AUTHORITY", Some(authority.as_str())),
        ("POWERBI_SCOPE", Some(scope.as_str())),
        ("POWERBI_API", Some(api)),
        ("POWERBI_WORKSPACE_ID", workspace),
    ];
    for (name, value) in env_values {
        let Some(value) = value else { continue };
        match quote::dotenv(value) {
            Some(v) => env.push_str(&format!("{name}={v}\n")),
            None => env.push_str(&format!(
                "# {name} is left out: its value has a quote or line break that a .env file \
                 can't hold safely.\n"
            )),
        }
    }
    if method == Method::ClientSecret {
        env.push_str(&format!(
            "# Put the secret here from your keyring, or better, set it in your deployment's \
             secret store.\n\
             {SECRET_VARIABLE}=\n"
        ));
    }
    let mut values = vec![
        ("tenantId", tenant.to_string(), "default"),
        ("clientId", client.to_string(), "default"),
        ("tokenUrl", token_url.clone(), "default"),
        ("scope", scope.clone(), "default"),
        ("apiBase", format!("{api}/v1.0/myorg"), "default"),
    ];
    if method == Method::ClientSecret {
        values.push(("clientSecret", String::new(), "secret"));
    }
    let postman = serde_json::json!({
        "name": format!("Power BI ({})", if tenant.is_empty() { "Keyway" } else { tenant }),
        "values": values
            .iter()
            .map(|(k, v, t)| {
                serde_json::json!({ "key": k, "value": v, "type": t, "enabled": true })
            })
            .collect::<Vec<_>>(),
        "_postman_variable_scope": "environment",
    });
    vec![
        Snippet {
            id: "powershell",
            title: "PowerShell",
            text: powershell,
        },
        Snippet {
            id: "python",
            title: "Python (msal)",
            text: python,
        },
        Snippet {
            id: "curl",
            title: "curl",
            text: curl,
        },
        Snippet {
            id: "env",
            title: ".env file",
            text: env,
        },
        Snippet {
            id: "postman",
            title: "Postman environment",
            text: serde_json::to_string_pretty(&postman).unwrap_or_default(),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_name_the_cloud_and_app_and_never_a_secret() {
        let draft = Draft {
            tenant: "contoso.onmicrosoft.com".into(),
            client_id: "11111111-1111-4111-8111-111111111111".into(),
            method: Some(Method::ClientSecret),
            cloud: CloudId::GccHigh,
            workspace: Some("f0f0".into()),
            ..Draft::default()
        };
        let cloud = Cloud::builtin(CloudId::GccHigh).unwrap_or_else(|| unreachable!());
        let all = for_draft(&draft, &cloud);
        assert_eq!(all.len(), 5);
        let text = |id: &str| {
            all.iter()
                .find(|s| s.id == id)
                .map(|s| s.text.clone())
                .unwrap_or_default()
        };
        assert!(text("powershell").contains("-Environment USGovHigh"));
        let python = text("python");
        assert!(python.contains("https://login.microsoftonline.us/contoso.onmicrosoft.com"));
        assert!(python.contains("high.analysis.usgovcloudapi.net/powerbi/api/.default"));
        assert!(text("curl").contains("$POWERBI_CLIENT_SECRET"));
        assert!(text("env").contains("POWERBI_WORKSPACE_ID=f0f0\n"));
        assert!(text("env").ends_with("POWERBI_CLIENT_SECRET=\n"));
        let postman: serde_json::Value = serde_json::from_str(&text("postman")).unwrap_or_default();
        assert_eq!(postman["values"][5]["type"], "secret");
        assert_eq!(postman["values"][5]["value"], "");
    }
}
