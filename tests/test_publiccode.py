"""Release metadata agree: publiccode.yml, pyproject.toml, LICENSE and CHANGELOG.md.

publiccode.yml is read by the Italian catalogue of public software (Developers Italia); its
keys follow the publiccode.yml standard 0.4 (https://yml.publiccode.tools/).
"""

import datetime
import re
import tomllib
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
MAINTENANCE_TYPES = {"internal", "contract", "community", "none"}
DEVELOPMENT_STATUSES = {"concept", "development", "beta", "stable", "obsolete"}


@pytest.fixture(scope="module")
def publiccode() -> dict:
    return yaml.safe_load((ROOT / "publiccode.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_publiccode_has_the_keys_the_catalogue_requires(publiccode):
    assert publiccode["publiccodeYmlVersion"] == "0.4"
    for key in ("name", "url", "platforms", "categories", "developmentStatus", "softwareType"):
        assert publiccode.get(key), key
    assert publiccode["url"].startswith("https://")
    assert "web" in publiccode["platforms"]
    assert publiccode["softwareType"] == "standalone/web"
    assert publiccode["developmentStatus"] in DEVELOPMENT_STATUSES
    datetime.date.fromisoformat(publiccode["releaseDate"])


def test_publiccode_version_is_the_project_version(publiccode, project):
    assert publiccode["softwareVersion"] == project["version"]


def test_publiccode_describes_the_portal_in_every_language_of_the_site(publiccode):
    site_languages = [code for code, _name in settings.LANGUAGES]
    assert sorted(publiccode["description"]) == sorted(site_languages)
    for language, text in publiccode["description"].items():
        assert 0 < len(text["shortDescription"]) <= 150, language
        assert 150 <= len(text["longDescription"]) <= 10_000, language
        assert text["features"], language
    localisation = publiccode["localisation"]
    assert localisation["localisationReady"] is True
    assert localisation["availableLanguages"] == site_languages


def test_publiccode_legal_and_maintenance(publiccode, project):
    legal = publiccode["legal"]
    assert legal["license"] == project["license"] == "EUPL-1.2"
    assert "Camera di Commercio della Valtellina" in legal["mainCopyrightOwner"]
    assert legal["repoOwner"] == legal["mainCopyrightOwner"]
    maintenance = publiccode["maintenance"]
    assert maintenance["type"] in MAINTENANCE_TYPES
    if maintenance["type"] in {"internal", "contract"}:
        assert all(contact["name"] for contact in maintenance["contacts"])
    if maintenance["type"] == "contract":
        assert maintenance["contractors"]


def test_publiccode_names_the_open_services_the_portal_needs(publiccode):
    names = {entry["name"] for entry in publiccode["dependsOn"]["open"]}
    assert {"PostgreSQL", "Redis"} <= names
    assert publiccode["IT"]["countryExtensionVersion"] == "1.0"


def test_license_is_the_whole_eupl_1_2():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2\n")
    for article in range(1, 16):
        assert re.search(rf"^{article}\. [A-Z]", text, re.MULTILINE), f"article {article}"
    assert "‘Compatible Licences’ according to Article 5 EUPL are:" in text
    assert text.rstrip().endswith(
        "All other changes or additions to this Appendix require the production of a new EUPL "
        "version."
    )


def test_changelog_has_the_released_version_on_its_release_date(publiccode, project):
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in changelog
    heading = re.search(rf"^## \[{re.escape(project['version'])}\] - (\S+)$", changelog, re.M)
    assert heading, f"CHANGELOG.md has no section for {project['version']}"
    assert heading.group(1) == publiccode["releaseDate"]
