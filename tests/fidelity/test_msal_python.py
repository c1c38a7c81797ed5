"""The official MSAL for Python signs in against fakecloud over HTTPS, as it would against Entra.

Each test also reads fakecloud's request log, to show MSAL made the requests it makes against
the real service (discovery first, then the token request with the fields Entra expects).
"""

import base64
import datetime
import hashlib
import json

import msal
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from conftest import CONTOSO

PBI = "https://analysis.windows.net/powerbi/api"
EMBED_APP = "11111111-1111-4111-8111-111111111111"
EMBED_SECRET = "Emb8Q~current.secret-value_0123456789abcdef"
EMBED_SECRET_ID = "5ec1d000-0000-4000-8000-000000000001"
EXPIRED_SECRET = "Emb8Q~expired.secret-value_0123456789abcdef"
DESKTOP_APP = "33333333-3333-4333-8333-333333333333"


def claims(jwt):
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def confidential(cloud, credential, client_id=EMBED_APP):
    return msal.ConfidentialClientApplication(
        client_id, client_credential=credential, authority=f"{cloud.https}/{CONTOSO}",
        instance_discovery=False, verify=cloud.ca, token_cache=msal.TokenCache())


def token_requests(cloud):
    return [r for r in cloud.requests() if r["path"].endswith("/token")]


def test_client_secret(fakecloud):
    fakecloud.clear()
    result = confidential(fakecloud, EMBED_SECRET).acquire_token_for_client([f"{PBI}/.default"])
    assert "access_token" in result, result
    assert result["token_type"] == "Bearer"
    c = claims(result["access_token"])
    assert c["aud"] == PBI
    assert c["appid"] == EMBED_APP
    assert c["tid"] == "7b0c3a4e-1f2d-4c5b-9a8e-0d1c2b3a4f5e"
    assert c["idtyp"] == "app" and c["ver"] == "1.0" and "roles" not in c
    log = fakecloud.requests()
    assert [(r["method"], r["path"]) for r in log] == [
        ("GET", f"/{CONTOSO}/v2.0/.well-known/openid-configuration"),
        ("POST", f"/{CONTOSO}/oauth2/v2.0/token"),
    ]
    assert log[1]["grant_type"] == "client_credentials"
    assert {"client_id", "client_secret", "scope"} <= set(log[1]["form_keys"])


@pytest.mark.parametrize("secret, code", [
    (EMBED_SECRET_ID, 7000215),   # the Secret ID pasted instead of the value
    (EXPIRED_SECRET, 7000222),
])
def test_client_secret_errors_have_entras_shape(fakecloud, secret, code):
    result = confidential(fakecloud, secret).acquire_token_for_client([f"{PBI}/.default"])
    assert "access_token" not in result
    assert result["error"] == "invalid_client"
    assert result["error_codes"] == [code]
    assert result["error_description"].startswith(f"AADSTS{code}: ")
    assert "Trace ID: " in result["error_description"]
    assert result["correlation_id"] and result["trace_id"]


def test_unknown_tenant_is_refused_at_discovery(fakecloud):
    fakecloud.clear()
    with pytest.raises(ValueError, match="tenant name or GUID"):
        msal.ConfidentialClientApplication(
            EMBED_APP, client_credential=EMBED_SECRET,
            authority=f"{fakecloud.https}/nobody.onmicrosoft.com", instance_discovery=False,
            verify=fakecloud.ca)
    [discovery] = fakecloud.requests()
    assert discovery["path"] == "/nobody.onmicrosoft.com/v2.0/.well-known/openid-configuration"
    assert discovery["status"] == 400


def make_certificate():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "keyway-test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=30))
            .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    cert_pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    der = cert.public_bytes(serialization.Encoding.DER)
    return key_pem, cert_pem, hashlib.sha1(der).hexdigest(), hashlib.sha256(der).hexdigest()


@pytest.fixture(scope="module")
def certificate(fakecloud):
    key_pem, cert_pem, sha1, sha256 = make_certificate()
    fakecloud.control("POST", f"tenants/{CONTOSO}/apps/{EMBED_APP}/certificates", {"pem": cert_pem})
    return {"key": key_pem, "cert": cert_pem, "sha1": sha1, "sha256": sha256}


def test_certificate_rs256_with_sha1_thumbprint(fakecloud, certificate):
    fakecloud.clear()
    app = confidential(fakecloud, {"private_key": certificate["key"], "thumbprint": certificate["sha1"]})
    result = app.acquire_token_for_client([f"{PBI}/.default"])
    assert "access_token" in result, result
    assert claims(result["access_token"])["appidacr"] == "2"
    token = token_requests(fakecloud)[-1]
    assert {"client_assertion", "client_assertion_type"} <= set(token["form_keys"])
    assert "client_secret" not in token["form_keys"]


def test_certificate_ps256_with_sha256_thumbprint(fakecloud, certificate):
    # Given the certificate itself, MSAL signs PS256 with an x5t#S256 header, as Entra now asks.
    app = confidential(fakecloud, {"private_key": certificate["key"],
                                   "public_certificate": certificate["cert"]})
    result = app.acquire_token_for_client([f"{PBI}/.default"])
    assert "access_token" in result, result
    assert claims(result["access_token"])["appidacr"] == "2"


def test_certificate_not_registered_is_refused(fakecloud):
    key_pem, _, sha1, _ = make_certificate()
    result = confidential(fakecloud, {"private_key": key_pem, "thumbprint": sha1}) \
        .acquire_token_for_client([f"{PBI}/.default"])
    assert result.get("error_codes") == [700027], result


def public(cloud, client_id=DESKTOP_APP):
    return msal.PublicClientApplication(
        client_id, authority=f"{cloud.https}/{CONTOSO}", instance_discovery=False,
        verify=cloud.ca, token_cache=msal.TokenCache())


def test_password_sign_in(fakecloud):
    fakecloud.clear()
    result = public(fakecloud).acquire_token_by_username_password(
        "ada@contoso.com", "Correct-Horse-42", scopes=[f"{PBI}/Workspace.Read.All"])
    assert "access_token" in result, result
    c = claims(result["access_token"])
    assert c["upn"] == "ada@contoso.com" and c["scp"] == "Workspace.Read.All"
    assert result["id_token_claims"]["preferred_username"] == "ada@contoso.com"
    assert "refresh_token" in result
    paths = [r["path"] for r in fakecloud.requests()]
    realm = paths.index("/common/userrealm/ada@contoso.com")
    assert paths.index(f"/{CONTOSO}/oauth2/v2.0/token") > realm, "the realm is asked first"
    token = token_requests(fakecloud)[-1]
    assert token["grant_type"] == "password"
    assert {"username", "password", "scope", "client_info"} <= set(token["form_keys"])


@pytest.mark.parametrize("user, code", [
    ("grace@contoso.com", 50076),    # MFA required
    ("locked@contoso.com", 50053),
    ("expired@contoso.com", 50055),
    ("nobody@contoso.com", 50034),
])
def test_password_sign_in_refusals(fakecloud, user, code):
    result = public(fakecloud).acquire_token_by_username_password(
        user, "Correct-Horse-42", scopes=[f"{PBI}/Workspace.Read.All"])
    assert result.get("error_codes") == [code], result


def test_wrong_password(fakecloud):
    result = public(fakecloud).acquire_token_by_username_password(
        "ada@contoso.com", "wrong", scopes=[f"{PBI}/Workspace.Read.All"])
    assert result["error"] == "invalid_grant" and result["error_codes"] == [50126]
