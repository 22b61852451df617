-- :PlimsollRule [CODE] shows a rule's documentation (`plimsoll rule CODE`); without CODE, the
-- rule of the diagnostic under the cursor. Starting the server is up to you:
-- vim.lsp.enable('plimsoll') on Neovim 0.11+, require('plimsoll').setup() on any version.
if vim.g.loaded_plimsoll then
  return
end
vim.g.loaded_plimsoll = true

vim.api.nvim_create_user_command('PlimsollRule', function(args)
  require('plimsoll').show_rule(args.args)
end, { nargs = '?', desc = 'Show the documentation of a Plimsoll rule' })
