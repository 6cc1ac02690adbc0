
paths = {"/", "/sections/tu-pian-xin-wen/", "/articles/5000/bench-4999/"}
n = 0
request = function()
  n = n % #paths + 1
  return wrk.format("GET", paths[n])
end
