{
 "objectClassName": "domain",
 "ldhName": "frac1.com",
 "events": [
  {
   "eventAction": "registration",
   "eventDate": "2014-11-17T16:00:29.0Z"
  },
  {
   "eventAction": "expiration",
   "eventDate": "2030-11-17T16:00:29.5Z"
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
