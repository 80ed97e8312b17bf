-- Defines the psearch commands. The work is in lua/psearch/, loaded on the
-- first command, so that starting the editor costs nothing more.

if vim.g.loaded_psearch or vim.fn.has('nvim-0.7') == 0 then
  return
end
vim.g.loaded_psearch = 1

local cmd = vim.api.nvim_create_user_command

cmd('Psearch', function(o)
  require('psearch').search(o.args)
end, { nargs = '+', desc = 'psearch: results into the quickfix list' })

cmd('PsearchWord', function()
  require('psearch').search_word()
end, { nargs = 0, desc = 'psearch: the word under the cursor' })

cmd('PsearchEntities', function(o)
  require('psearch').entities(o.args)
end, { nargs = '+', desc = 'psearch: the entities of the matches' })

cmd('PsearchOpen', function(o)
  local n = tonumber(o.args)
  if o.args ~= '' and not (n and n >= 1 and n % 1 == 0) then
    vim.notify('psearch: :PsearchOpen takes a result number, not ' .. o.args,
      vim.log.levels.ERROR)
    return
  end
  require('psearch').open(n)
end, { nargs = '?', desc = 'psearch: jump to a result' })
