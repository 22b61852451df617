-- Plimsoll language server, for Neovim 0.11+: with editors/neovim on 'runtimepath',
-- `vim.lsp.enable('plimsoll')` starts it on Dockerfiles. Override any key with
-- `vim.lsp.config('plimsoll', { ... })`. Older Neovim: require('plimsoll').setup().
---@type vim.lsp.Config
return {
  cmd = { 'plimsoll', 'server' },
  filetypes = { 'dockerfile' },
  root_markers = { 'plimsoll.toml', '.plimsoll.toml', '.hadolint.yaml', '.hadolint.yml', '.git' },
  -- The `plimsoll` section the server asks for with workspace/configuration. Empty or missing
  -- keys mean "use plimsoll.toml, else the defaults". Keys: select, extendSelect, ignore
  -- (lists of codes or prefixes), severity ({ DL3007 = 'error' }), context, config (paths).
  settings = {
    plimsoll = vim.empty_dict(),
  },
  -- The same settings as initializationOptions, so the first check already uses them.
  before_init = function(params, config)
    local settings = config.settings and config.settings.plimsoll
    if params.initializationOptions == nil and settings ~= nil then
      params.initializationOptions = settings
    end
  end,
}
