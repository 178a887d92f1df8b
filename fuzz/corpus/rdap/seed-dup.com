{"objectClassName":"domain","ldhName":"dup.com","events":[
 {"eventAction":"expiration","eventDate":"2030-01-01T00:00:00Z"},
 {"eventAction":" Registration ","eventDate":"2010-06-01T00:00:00Z"},
 {"eventAction":"registration","eventDate":"2009-06-01T00:00:00Z"},
 {"eventAction":"EXPIRATION","eventDate":"2031-01-01T00:00:00Z"},
 {"eventAction":"last update of RDAP database","eventDate":"2024-06-18T22:01:39+03:00"}]}
