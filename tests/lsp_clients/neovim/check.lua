-- Run by run.sh inside `nvim --headless -u NONE --cmd 'set rtp+=editors/neovim'`.
-- Exit codes: 0 the expected diagnostics arrived, 1 wrong diagnostics or filetypes,
-- 2 setup error, 3 timeout.
local mode = os.getenv('PLIMSOLL_TEST_MODE') or 'legacy'
local file = assert(os.getenv('PLIMSOLL_TEST_FILE'), 'PLIMSOLL_TEST_FILE is not set')
local timeout = tonumber(os.getenv('PLIMSOLL_TEST_TIMEOUT_MS') or '') or 30000
local ignored = 'DL3007' -- what the `settings` mode asks the server to ignore

local function say(msg)
  io.stdout:write(msg .. '\n')
  io.stdout:flush()
end

local function finish(code)
  io.stdout:flush()
  io.stderr:flush()
  if code == 0 then
    vim.cmd('qall!')
  else
    vim.cmd('cquit ' .. code)
  end
end

local function print_lsp_log()
  local ok, path = pcall(vim.lsp.get_log_path)
  if not ok or vim.fn.filereadable(path) == 0 then
    return
  end
  local lines = vim.fn.readfile(path)
  say(('--- last lines of %s'):format(path))
  for i = math.max(1, #lines - 40), #lines do
    say(lines[i])
  end
end

local expected = {}
for code in (os.getenv('PLIMSOLL_EXPECTED') or ''):gmatch('%S+') do
  if not (mode == 'settings' and code == ignored) then
    table.insert(expected, code)
  end
end

local function main()
  if #expected == 0 then
    say('error: PLIMSOLL_EXPECTED names no code')
    return 2
  end

  -- `-u NONE` leaves filetype detection off; this also sources editors/neovim/ftdetect.
  vim.cmd('filetype on')
  vim.cmd('runtime! plugin/plimsoll.lua')
  if vim.fn.exists(':PlimsollRule') ~= 2 then
    say('error: plugin/plimsoll.lua did not define :PlimsollRule')
    return 1
  end

  -- Filetype detection, before any server is enabled.
  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir, 'p')
  local names = {
    ['Dockerfile'] = true, ['Containerfile'] = true, ['Dockerfile.dev'] = true,
    ['Containerfile.prod'] = true, ['api.Dockerfile'] = true, ['api.dockerfile'] = true,
    ['api.Containerfile'] = true, ['Dockerfile.dockerignore'] = false,
  }
  local bad = {}
  for name, is_dockerfile in pairs(names) do
    vim.cmd('edit ' .. vim.fn.fnameescape(dir .. '/' .. name))
    local ft = vim.bo.filetype
    if (ft == 'dockerfile') ~= is_dockerfile then
      table.insert(bad, ('%s: filetype %q'):format(name, ft))
    end
    vim.cmd('bwipeout!')
  end
  if #bad > 0 then
    table.sort(bad)
    say('error: wrong filetypes: ' .. table.concat(bad, ', '))
    return 1
  end
  say('filetypes: ok')

  -- Record every publishDiagnostics for the file, then pass it on.
  local path = vim.fn.fnamemodify(file, ':p')
  local latest = nil
  local publishes = 0
  local default_handler = vim.lsp.handlers['textDocument/publishDiagnostics']
  vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
    if result and vim.uri_to_fname(result.uri) == path then
      publishes = publishes + 1
      latest = result.diagnostics
    end
    return default_handler(err, result, ctx, config)
  end

  if mode == 'native' then
    vim.lsp.enable('plimsoll') -- reads lsp/plimsoll.lua from the runtimepath
  elseif mode == 'legacy' then
    require('plimsoll').setup({ native = false })
  elseif mode == 'settings' then
    -- setup() itself picks vim.lsp.config + vim.lsp.enable on 0.11+, its own autocommand before.
    require('plimsoll').setup({ settings = { plimsoll = { ignore = { ignored } } } })
  else
    say('error: unknown PLIMSOLL_TEST_MODE ' .. mode)
    return 2
  end

  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  say(('opened %s (filetype %s)'):format(file, vim.bo.filetype))

  local function codes_of(diagnostics)
    local set = {}
    for _, d in ipairs(diagnostics or {}) do
      if d.code ~= nil then
        set[tostring(d.code)] = true
      end
    end
    return set
  end
  local function complete()
    if latest == nil then
      return false
    end
    local got = codes_of(latest)
    for _, code in ipairs(expected) do
      if not got[code] then
        return false
      end
    end
    return not (mode == 'settings' and got[ignored])
  end

  local arrived = vim.wait(timeout, complete, 50)

  local clients = {}
  for _, client in ipairs((vim.lsp.get_clients or vim.lsp.get_active_clients)()) do
    local cmd = type(client.config.cmd) == 'table' and table.concat(client.config.cmd, ' ') or '?'
    table.insert(clients, ('%s (cmd: %s, root: %s)'):format(client.name, cmd, tostring(client.config.root_dir)))
  end
  say('clients: ' .. (#clients > 0 and table.concat(clients, '; ') or 'none'))

  if latest == nil then
    say(('error: timed out after %d ms: no textDocument/publishDiagnostics for %s'):format(timeout, file))
    print_lsp_log()
    return 3
  end

  say(('publishDiagnostics for %s: %d (last one: %d diagnostics)'):format(file, publishes, #latest))
  local sorted = vim.deepcopy(latest)
  table.sort(sorted, function(a, b)
    if a.range.start.line ~= b.range.start.line then
      return a.range.start.line < b.range.start.line
    end
    return tostring(a.code) < tostring(b.code)
  end)
  for _, d in ipairs(sorted) do
    say(('  %d:%d %s [%s] %s'):format(
      d.range.start.line + 1, d.range.start.character + 1, tostring(d.code),
      tostring(d.severity), (d.message or ''):gsub('\n.*', '')))
  end

  if not arrived then
    local got = codes_of(latest)
    local missing = {}
    for _, code in ipairs(expected) do
      if not got[code] then
        table.insert(missing, code)
      end
    end
    if #missing > 0 then
      say(('error: timed out after %d ms; missing codes: %s'):format(timeout, table.concat(missing, ' ')))
    end
    if mode == 'settings' and got[ignored] then
      say(('error: %s is still reported although settings.plimsoll.ignore names it'):format(ignored))
    end
    print_lsp_log()
    return 1
  end
  say(('ok: %s'):format(table.concat(expected, ' ')) .. (mode == 'settings' and (', and no ' .. ignored) or ''))
  return 0
end

local ok, result = xpcall(main, debug.traceback)
if not ok then
  say('error: ' .. tostring(result))
  print_lsp_log()
  finish(2)
else
  finish(result)
end
