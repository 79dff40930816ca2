-- Assertions for the wippy.so test scripts: each failure names the line.
local check = {}

function check.eq(got, want, what)
  if got ~= want then
    error(string.format("%s: got %s, want %s", what or "value", tostring(got), tostring(want)), 2)
  end
end

-- Calls fn(...) and returns its error message; fails if it does not raise, or if the
-- message does not start with `prefix` (plain text, not a pattern).
function check.fails(prefix, fn, ...)
  local ok, err = pcall(fn, ...)
  if ok then error("no error, want one starting with: " .. prefix, 2) end
  err = tostring(err)
  if err:sub(1, #prefix) ~= prefix then
    error(string.format("error %q does not start with %q", err, prefix), 2)
  end
  return err
end

function check.contains(text, part, what)
  if not tostring(text):find(part, 1, true) then
    error(string.format("%s: %q does not contain %q", what or "text", tostring(text), part), 2)
  end
end

return check
