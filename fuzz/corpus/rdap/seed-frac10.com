{
 "objectClassName": "domain",
 "ldhName": "frac10.com",
 "events": [
  {
   "eventAction": "registration",
   "eventDate": "2014-11-12T19:15:55.1234567890Z"
  },
  {
   "eventAction": "expiration",
   "eventDate": "2030-11-12T19:15:55Z"
  },
  {
   "eventAction": "last changed",
   "eventDate": "2020-01-01T00:00:00.123456Z"
  }
 ],
 "entities": [
  {
   "objectClassName": "entity",
   "roles": [
    "registrar"
   ],
   "events": [
    {
     "eventAction": "registration",
     "eventDate": "1980-01-01T00:00:00Z"
    }
   ]
  }
 ]
}
