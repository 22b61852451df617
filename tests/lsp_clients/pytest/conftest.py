"""pytest-lsp drives the real `plimsoll server` as an editor would."""

import os
import pathlib

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

PLIMSOLL = os.environ.get("PLIMSOLL_BIN") or str(
    pathlib.Path(__file__).resolve().parents[3] / "target" / "release" / "plimsoll"
)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[PLIMSOLL, "server"]))
async def client(lsp_client: LanguageClient, tmp_path):
    # The server registers a file watcher for its configuration files; accept it as an
    # editor would.
    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register_capability(params: types.RegistrationParams):
        return None

    lsp_client.set_configuration({"ignore": ["PL504"]}, section="plimsoll")
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=tmp_path.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="test")],
        )
    )
    yield
    await lsp_client.shutdown_session()
