-- Plimsoll language server for every Neovim from 0.7 on.
--
--   require('plimsoll').setup({ settings = { plimsoll = { ignore = { 'DL3007' } } } })
--
-- On Neovim 0.11+ this is vim.lsp.config('plimsoll', opts) + vim.lsp.enable('plimsoll'), with
-- lsp/plimsoll.lua as the base. Before 0.11 it starts the server itself on the FileType event,
-- with vim.lsp.start (0.8+) or vim.lsp.start_client (0.7), from the same lsp/plimsoll.lua.
local M = {}

local uv = vim.uv or vim.loop

--- The config table of lsp/plimsoll.lua (found on 'runtimepath').
function M.default_config()
  local file = vim.api.nvim_get_runtime_file('lsp/plimsoll.lua', false)[1]
  if file == nil then
    error('plimsoll: lsp/plimsoll.lua is not on the runtimepath')
  end
  return dofile(file)
end

--- The root folder of a file: the nearest folder holding the first marker found upward
--- (markers in order of priority, as Neovim 0.11 does), else nil.
function M.find_root(fname, markers)
  local start = vim.fn.fnamemodify(fname, ':p:h')
  for _, marker in ipairs(markers or {}) do
    local dir = start
    while true do
      if uv.fs_stat(dir .. '/' .. marker) then
        return dir
      end
      local parent = vim.fn.fnamemodify(dir, ':h')
      if parent == dir then
        break
      end
      dir = parent
    end
  end
  return nil
end

local clients = {} -- root folder -> client id, for Neovim 0.7

--- Starts (or reuses) the server for a buffer and attaches it. Returns the client id.
function M.start(bufnr, config)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local fname = vim.api.nvim_buf_get_name(bufnr)
  if fname == '' then
    return nil
  end
  local root = M.find_root(fname, config.root_markers) or vim.fn.fnamemodify(fname, ':p:h')
  local client_config = vim.tbl_extend('force', {}, config, { name = config.name or 'plimsoll', root_dir = root })
  client_config.filetypes = nil
  client_config.root_markers = nil
  client_config.native = nil

  if vim.lsp.start then
    return vim.lsp.start(client_config, { bufnr = bufnr })
  end

  local id = clients[root]
  local client = id and vim.lsp.get_client_by_id(id)
  if client == nil or client.is_stopped() then
    id = vim.lsp.start_client(client_config)
    clients[root] = id
  end
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
  return id
end

--- Sets the server up for Dockerfiles. `opts` overrides lsp/plimsoll.lua (cmd, settings,
--- root_markers, on_attach, capabilities, …); `native = false` skips vim.lsp.enable on 0.11+.
function M.setup(opts)
  opts = opts or {}
  local native = opts.native
  if native == nil then
    native = vim.lsp.config ~= nil and vim.lsp.enable ~= nil
  end
  local overrides = vim.tbl_extend('force', {}, opts)
  overrides.native = nil

  if native then
    vim.lsp.config('plimsoll', overrides)
    vim.lsp.enable('plimsoll')
    return
  end

  local config = vim.tbl_deep_extend('force', M.default_config(), overrides)
  local group = vim.api.nvim_create_augroup('plimsoll_lsp', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = config.filetypes,
    callback = function(args)
      M.start(args.buf, config)
    end,
  })
  -- Dockerfiles already open.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(config.filetypes, vim.bo[bufnr].filetype) then
      M.start(bufnr, config)
    end
  end
end

--- Opens `plimsoll rule RULE` (Markdown) in a scratch buffer. Without RULE: the code of the
--- Plimsoll diagnostic under the cursor.
function M.show_rule(rule)
  if rule == nil or rule == '' then
    local line = vim.api.nvim_win_get_cursor(0)[1] - 1
    for _, d in ipairs(vim.diagnostic.get(0, { lnum = line })) do
      if d.code ~= nil and tostring(d.source or ''):lower():find('plimsoll', 1, true) then
        rule = tostring(d.code)
        break
      end
    end
    if rule == nil then
      for _, d in ipairs(vim.diagnostic.get(0, { lnum = line })) do
        if d.code ~= nil then
          rule = tostring(d.code)
          break
        end
      end
    end
  end
  if rule == nil or not rule:match('^%a[%w_-]*$') then
    vim.notify('plimsoll: no rule under the cursor; give one: :PlimsollRule DL3007', vim.log.levels.WARN)
    return
  end
  local cmd = M.default_config().cmd
  for _, client in ipairs((vim.lsp.get_clients or vim.lsp.get_active_clients)()) do
    if client.name == 'plimsoll' and type(client.config.cmd) == 'table' then
      cmd = client.config.cmd
      break
    end
  end
  local output = vim.fn.systemlist({ cmd[1], 'rule', rule })
  if vim.v.shell_error ~= 0 then
    vim.notify('plimsoll: ' .. table.concat(output, '\n'), vim.log.levels.ERROR)
    return
  end
  vim.cmd('new')
  local buf = vim.api.nvim_get_current_buf()
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, output)
  vim.bo[buf].buftype = 'nofile'
  vim.bo[buf].bufhidden = 'wipe'
  vim.bo[buf].modifiable = false
  vim.bo[buf].filetype = 'markdown'
  pcall(vim.api.nvim_buf_set_name, buf, 'plimsoll://rule/' .. rule)
end

return M
