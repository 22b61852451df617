-- Every Dockerfile name Plimsoll checks gets the `dockerfile` filetype: Dockerfile,
-- Containerfile, Dockerfile.*, Containerfile.*, *.Dockerfile, *.dockerfile, *.Containerfile.
-- `Dockerfile.dockerignore` and the like are BuildKit ignore files: `gitignore`, the filetype
-- Neovim gives `.dockerignore`.
local function detect(path)
  if path:match('%.dockerignore$') then
    return 'gitignore'
  end
  return 'dockerfile'
end

if vim.filetype and vim.filetype.add then
  vim.filetype.add({
    filename = { Dockerfile = 'dockerfile', Containerfile = 'dockerfile' },
    extension = { Dockerfile = 'dockerfile', dockerfile = 'dockerfile', Containerfile = 'dockerfile' },
    pattern = {
      ['.*/Dockerfile%.[^/]*'] = { detect, { priority = 10 } },
      ['.*/Containerfile%.[^/]*'] = { detect, { priority = 10 } },
    },
  })
end

-- Neovim 0.7 reads vim.filetype.add() only with g:do_filetype_lua set: autocommands there.
if vim.fn.has('nvim-0.8') == 0 then
  vim.api.nvim_create_autocmd({ 'BufNewFile', 'BufRead' }, {
    pattern = {
      'Dockerfile', 'Containerfile', 'Dockerfile.*', 'Containerfile.*',
      '*.Dockerfile', '*.dockerfile', '*.Containerfile',
    },
    callback = function(args)
      vim.bo[args.buf].filetype = detect(args.file)
    end,
  })
end
