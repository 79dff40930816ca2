-- Loaded through the entry's `modules` list (and so a global), or with require.
local report = {}

function report.line(fmt, ...)
  print(string.format(fmt, ...))
end

return report
