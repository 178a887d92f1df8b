{
 "objectClassName": "domain",
 "ldhName": "boundary.com",
 "events": [
  {
   "eventAction": "registration",
   "eventDate": "2020-01-01T00:00:00Z"
  },
  {
   "eventAction": "expiration",
   "eventDate": "2030-01-01T00:00:00Z"
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
